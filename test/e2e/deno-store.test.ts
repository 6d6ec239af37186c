import { expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

function denoWrite(path: string, id: string) {
  const deno = join(REPO_ROOT, "node_modules/.bin/deno");
  return Bun.spawnSync([deno, "run", "-A", "test/helpers/deno-token-write.ts", path, id], {
    cwd: REPO_ROOT,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" },
    stdout: "pipe",
    stderr: "pipe",
  });
}

test("under Deno, the token store writes oauth_tokens.json 0600 in a 0700 dir and merges with what is there", () => {
  const path = join(process.env.CCMUX_TEST_ROOT!, "deno-store", "data", "oauth_tokens.json");
  const first = denoWrite(path, "first");
  expect(first.stderr.toString()).toBe("");
  expect(JSON.parse(first.stdout.toString())).toEqual({ runtime: "deno", ids: ["first"] });
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(statSync(join(path, "..")).mode & 0o777).toBe(0o700);
  const second = denoWrite(path, "second");
  expect(JSON.parse(second.stdout.toString())).toEqual({ runtime: "deno", ids: ["first", "second"] });
  expect(statSync(path).mode & 0o777).toBe(0o600);
  const saved = JSON.parse(readFileSync(path, "utf8"));
  expect(saved.first.access_token).toBe("access-first");
  expect(saved.second.refresh_token).toBe("refresh-second");
}, 60_000);
