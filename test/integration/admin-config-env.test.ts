import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { loadConfigFile } from "../../src/config/load.ts";
import { startInProcess, type InProcessServer } from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

// The admin API must never be a way to read the server's environment: whatever a posted
// "$VAR" expands to, only the file's text comes back.
const ENV = { ADMIN_ENV_T_SECRET: "env-value-never-shown-4242", ADMIN_ENV_T_MODEL: "expanded-model-name-17" };
Object.assign(process.env, ENV);
afterAll(() => {
  for (const key of Object.keys(ENV)) delete process.env[key];
});

const FILE = `[router]
default = "main"

[[providers]]
name = "up"
provider_type = "openai"
base_url = "http://127.0.0.1:9/v1"
api_key = "sk-fake-admin-env"
models = []

[[models]]
name = "main"

[[models.mappings]]
priority = 2
provider = "up"
actual_model = "second"

[[models.mappings]]
priority = 1
provider = "up"
actual_model = "first"
`;

let path: string;
let ccmux: InProcessServer;

beforeEach(async () => {
  const dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "admin-env-"));
  path = join(dir, "config.toml");
  writeFileSync(path, FILE);
  const loaded = await loadConfigFile(path, process.env);
  ccmux = await startInProcess(loaded!.config, { configPath: path });
});

afterEach(async () => {
  await ccmux?.stop();
});

const get = async (route: string) => (await fetch(ccmux.url + route)).json() as Promise<any>;

function post(body: unknown) {
  return fetch(`${ccmux.url}/api/config/json`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function everyAdminView(): Promise<string> {
  const views = await Promise.all(["/api/config/json", "/api/providers", "/api/models-config", "/api/status"].map(get));
  return JSON.stringify(views);
}

describe("a posted $VAR in a non-secret field", () => {
  test("is saved as written, runs expanded, and every admin view shows the file's text", async () => {
    const shown = await get("/api/config/json");
    const mappings = [
      { priority: 2, provider: "up", actual_model: "${ADMIN_ENV_T_MODEL}" },
      { priority: 1, provider: "up", actual_model: "first" },
    ];
    const res = await post({
      router: { auto_map_regex: "^$ADMIN_ENV_T_SECRET", think: "$ADMIN_ENV_T_SECRET" },
      providers: [{ ...shown.providers[0], models: ["$ADMIN_ENV_T_SECRET"] }],
      models: [{ name: "main", mappings }],
    });
    expect(res.status).toBe(200);
    const text = readFileSync(path, "utf8");
    expect(text).toContain('auto_map_regex = "^$ADMIN_ENV_T_SECRET"');
    expect(text).toContain('actual_model = "${ADMIN_ENV_T_MODEL}"');
    // The running config uses the expansion (the file format expands every string) ...
    expect(ccmux.deps.config.router.auto_map_regex).toBe(`^${ENV.ADMIN_ENV_T_SECRET}`);
    expect(ccmux.deps.config.models[0]!.mappings[1]!.actual_model).toBe(ENV.ADMIN_ENV_T_MODEL);
    // ... but no admin view shows it.
    const views = await everyAdminView();
    for (const value of Object.values(ENV)) expect(views).not.toContain(value);
    const after = await get("/api/config/json");
    expect(after.router).toMatchObject({ auto_map_regex: "^$ADMIN_ENV_T_SECRET", think: "$ADMIN_ENV_T_SECRET" });
    expect(after.providers[0].models).toEqual(["$ADMIN_ENV_T_SECRET"]);
    // Mappings are shown in failover order; the reference moves with its mapping.
    expect(after.models[0].mappings.map((m: any) => m.actual_model)).toEqual(["first", "${ADMIN_ENV_T_MODEL}"]);
    expect((await get("/api/status")).routes.think).toBe("$ADMIN_ENV_T_SECRET");
  });

  test("sending back what GET showed keeps the references in the file", async () => {
    expect((await post({ router: { think: "$ADMIN_ENV_T_SECRET" } })).status).toBe(200);
    const before = readFileSync(path, "utf8");
    const shown = await get("/api/config/json");
    expect((await post(shown)).status).toBe(200);
    expect(readFileSync(path, "utf8")).toBe(before);
    expect(ccmux.deps.config.router.think).toBe(ENV.ADMIN_ENV_T_SECRET);
  });
});

describe("config that can never work is refused when saved", () => {
  test("provider headers that cannot be sent are a 400 naming the key; the file is untouched", async () => {
    const shown = await get("/api/config/json");
    const cases: [Record<string, string>, string][] = [
      [{ "X Space": "v" }, 'providers[0].headers."X Space": header name'],
      [{ "X-Break": "a\r\nInjected: yes" }, "providers[0].headers.X-Break: header value cannot be sent"],
      [{ "X-Euro": "5 €" }, "providers[0].headers.X-Euro: header value cannot be sent"],
    ];
    for (const [headers, problem] of cases) {
      const res = await post({ providers: [{ ...shown.providers[0], headers }] });
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.error.type).toBe("invalid_request_error");
      expect(body.problems.join("\n")).toContain(problem);
    }
    expect(readFileSync(path, "utf8")).toBe(FILE);
  });

  test("text TOML cannot hold (a lone surrogate, in a value or a key) is a 400, never a 500", async () => {
    const shown = await get("/api/config/json");
    const cases: [string, string][] = [
      [`{"router":{"think":"bad\\ud800"}}`, "router.think: the value contains a lone UTF-16 surrogate"],
      [
        JSON.stringify({ providers: [{ ...shown.providers[0], headers: { "X-A": "ok" } }] }).replace(
          '"X-A"',
          '"X-\\udc00"',
        ),
        'providers[0].headers."X-\\udc00": the key contains a lone UTF-16 surrogate',
      ],
    ];
    for (const [raw, problem] of cases) {
      const res = await fetch(`${ccmux.url}/api/config/json`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: raw,
      });
      expect(res.status).toBe(400);
      expect((await res.json()).problems.join("\n")).toContain(problem);
    }
    // Text TOML can hold, however odd, is saved and read back as sent.
    const odd = 'tab\there, nul\u0000, emoji 😀, quote " and backslash \\';
    expect((await post({ router: { think: odd } })).status).toBe(200);
    expect(ccmux.deps.config.router.think).toBe(odd);
  });

  test("a symlinked config.toml is saved through to its target, atomically, and stays a link", async () => {
    const dotfiles = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "dotfiles-"));
    const target = join(dotfiles, "ccmux.toml");
    renameSync(path, target);
    symlinkSync(target, path);
    const inodeBefore = statSync(target).ino;
    expect((await post({ router: { think: "main" } })).status).toBe(200);
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path)).toBe(target);
    expect(readFileSync(target, "utf8")).toContain('think = "main"');
    // Written by rename (a new inode), never truncated in place.
    expect(statSync(target).ino).not.toBe(inodeBefore);
    expect(readFileSync(`${path}.bak`, "utf8")).toBe(FILE);
    expect(ccmux.deps.config.router.think).toBe("main");
  });
});
