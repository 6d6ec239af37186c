import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createTokenStore } from "../../src/auth/store.ts";
import { runtime } from "../../src/runtime/index.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const WRITER = `
import { createTokenStore } from "./src/auth/store.ts";
import { runtime } from "./src/runtime/index.ts";
const [path, prefix, count] = process.argv.slice(1);
const store = createTokenStore({ path, runtime });
for (let i = 0; i < Number(count); i++) {
  await store.set({ provider_id: prefix + i, access_token: "a", refresh_token: "r", expires_at: new Date().toISOString() });
}
`;

test("two processes writing the same token file lose nothing", async () => {
  const dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "procs-"));
  const path = join(dir, "oauth_tokens.json");
  const child = Bun.spawn([process.execPath, "-e", WRITER, path, "child", "30"], { stdout: "ignore", stderr: "pipe" });
  const store = createTokenStore({ path, runtime });
  for (let i = 0; i < 30; i++)
    await store.set({ provider_id: `parent${i}`, access_token: "a", refresh_token: "r", expires_at: "x" });
  expect(await child.exited).toBe(0);
  const ids = Object.keys(JSON.parse(readFileSync(path, "utf8")));
  expect(ids.length).toBe(60);
  expect(statSync(path).mode & 0o777).toBe(0o600);
});
