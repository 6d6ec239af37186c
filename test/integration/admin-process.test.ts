// The admin API in a real `ccmux serve` process: the bound address guards it, and a save is written and hot-reloaded.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startCcmuxServer, type CcmuxServer } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let ccmux: CcmuxServer | undefined;

afterEach(async () => {
  await ccmux?.stop();
  ccmux = undefined;
});

const FILE = `# my config
[router]
default = "m"   # the default model

[[providers]]
name = "up"
provider_type = "anthropic"
api_key = "$ADMIN_PROC_KEY"
base_url = "http://127.0.0.1:9"

[[models]]
name = "m"

[[models.mappings]]
priority = 1
provider = "up"
actual_model = "x"
`;

const save = (server: CcmuxServer, body: unknown) =>
  fetch(`${server.url}/api/config/json`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

const router = async (server: CcmuxServer) => (await (await fetch(`${server.url}/api/config/json`)).json()).router;

describe("ccmux serve's admin API", () => {
  test("a save edits the file in place, keeps a .bak and applies at once", async () => {
    ccmux = await startCcmuxServer({ configText: FILE, env: { ADMIN_PROC_KEY: "proc-secret-0123456789" } });
    const res = await save(ccmux, { router: { think: "m" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ reloaded: true, comments_kept: true });
    expect((await router(ccmux)).think).toBe("m");
    const text = readFileSync(ccmux.configPath!, "utf8");
    expect(text).toBe(
      FILE.replace('default = "m"   # the default model\n', 'default = "m"   # the default model\nthink = "m"\n'),
    );
    expect(readFileSync(`${ccmux.configPath}.bak`, "utf8")).toBe(FILE);
  });

  test("with no config file, the first save writes one at the config path and applies it", async () => {
    const home = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "admin-home-"));
    ccmux = await startCcmuxServer({ env: { CCMUX_HOME: home } });
    expect((await router(ccmux)).think).toBeNull();
    const res = await save(ccmux, { router: { think: "default" } });
    expect(res.status).toBe(200);
    expect((await res.json()).reloaded).toBe(true);
    expect(readFileSync(join(home, "config.toml"), "utf8")).toContain('think = "default"');
    expect((await router(ccmux)).think).toBe("default");
    expect(existsSync(join(home, "config.toml.bak"))).toBe(true);
  });

  test("the Host check uses the address the process bound", async () => {
    ccmux = await startCcmuxServer({ configText: FILE, env: { ADMIN_PROC_KEY: "k" } });
    expect((await fetch(`${ccmux.url}/api/providers`, { headers: { host: `localhost:${ccmux.port}` } })).status).toBe(
      200,
    );
    expect(
      (await fetch(`${ccmux.url}/api/providers`, { headers: { host: `attacker.example:${ccmux.port}` } })).status,
    ).toBe(403);
  });
});
