import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { embeddedDefaultConfig, loadConfigFile } from "../../src/config/load.ts";
import { CONFIG_TEMPLATE } from "../../src/config/template.ts";
import { startInProcess, type InProcessServer } from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const ENV = {
  ADMIN_T_OR_KEY: "sk-or-v1-envsecret0123456789abcdef",
  ADMIN_T_TOKEN: "admin-token-envsecret-42",
  ADMIN_T_HDR: "hdr-envsecret-77",
  ADMIN_T_NEW: "sk-new-envsecret-99999999999",
};
Object.assign(process.env, ENV);
afterAll(() => {
  for (const key of Object.keys(ENV)) delete process.env[key];
});

const FILE = `# ccmux config for the admin API tests.
# The header comment must survive every save.

[server]
host = "127.0.0.1"
port = 13456          # the usual port
admin_token = "$ADMIN_T_TOKEN"

[router]
default = "sonnet"
background = "sonnet"   # haiku-class requests
long_context_threshold = 60000

# OpenRouter, key from the environment.
[[providers]]
name = "openrouter"
provider_type = "z.ai"
api_key = "$ADMIN_T_OR_KEY"
models = []

[providers.headers]
Authorization = "Bearer \${ADMIN_T_HDR}"
X-Title = "ccmux"
X-Secret-Key = "literal-header-secret-5150"

# A literal key, written in the file.
[[providers]]
name = "groq"
provider_type = "minimax"
api_key = "gsk_literalsecret_0123456789"
models = []

[[models]]
name = "sonnet"

[[models.mappings]]
priority = 1
provider = "openrouter"
actual_model = "anthropic/claude-sonnet-4.5"

[[models.mappings]]
priority = 2
provider = "groq"
actual_model = "llama-3.3-70b"
`;

const ADMIN = { "x-admin-token": ENV.ADMIN_T_TOKEN };
let dir: string;
let path: string;
let ccmux: InProcessServer;

async function start(text: string | undefined) {
  dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "admin-config-"));
  path = join(dir, "config.toml");
  if (text !== undefined) writeFileSync(path, text);
  const loaded = text === undefined ? undefined : await loadConfigFile(path, process.env);
  ccmux = await startInProcess(loaded?.config ?? embeddedDefaultConfig(), { configPath: path });
}

afterEach(async () => {
  await ccmux?.stop();
});

function getJson(route: string) {
  return fetch(ccmux.url + route, { headers: ADMIN });
}

function post(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${ccmux.url}/api/config/json`, {
    method: "POST",
    headers: { ...ADMIN, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const fileText = () => readFileSync(path, "utf8");

describe("GET", () => {
  beforeEach(() => start(FILE));

  test('/api/config/json shows every section with secrets only as $VAR or "set"', async () => {
    const res = await getJson("/api/config/json");
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
    const body = await res.json();
    expect(body.server).toMatchObject({
      host: "127.0.0.1",
      port: 13456,
      log_level: "info",
      api_key: null,
      admin_token: "$ADMIN_T_TOKEN",
    });
    expect(body.server.timeouts).toMatchObject({ connect_timeout_ms: 10000, api_timeout_ms: 600000 });
    expect(body.router).toMatchObject({
      default: "sonnet",
      background: "sonnet",
      think: null,
      websearch: null,
      long_context: null,
      image: null,
      auto_map_regex: null,
      background_regex: null,
      long_context_threshold: 60000,
    });
    const [or, groq] = body.providers;
    expect(or).toMatchObject({
      name: "openrouter",
      provider_type: "z.ai",
      auth_type: "apikey",
      api_key: "$ADMIN_T_OR_KEY",
    });
    expect(or.headers).toEqual({ Authorization: "Bearer ${ADMIN_T_HDR}", "X-Title": "ccmux", "X-Secret-Key": "set" });
    expect(groq.api_key).toBe("set");
    expect(body.models).toEqual([
      {
        name: "sonnet",
        mappings: [
          { priority: 1, provider: "openrouter", actual_model: "anthropic/claude-sonnet-4.5" },
          { priority: 2, provider: "groq", actual_model: "llama-3.3-70b" },
        ],
      },
    ]);
    const text = JSON.stringify(body);
    for (const secret of [...Object.values(ENV), "gsk_literalsecret_0123456789", "literal-header-secret-5150"])
      expect(text).not.toContain(secret);
  });

  test("/api/providers and /api/models-config", async () => {
    const providers = await (await getJson("/api/providers")).json();
    expect(providers.map((p: any) => [p.name, p.api_key])).toEqual([
      ["openrouter", "$ADMIN_T_OR_KEY"],
      ["groq", "set"],
    ]);
    const models = await (await getJson("/api/models-config")).json();
    expect(models[0].mappings.map((m: any) => m.provider)).toEqual(["openrouter", "groq"]);
  });
});

describe("POST", () => {
  beforeEach(() => start(FILE));

  test("sending back what GET showed changes nothing in the file", async () => {
    const shown = await (await getJson("/api/config/json")).json();
    const res = await post(shown);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "success", reloaded: true, comments_kept: true });
    expect(fileText()).toBe(FILE);
    expect(readFileSync(`${path}.bak`, "utf8")).toBe(FILE);
  });

  test("a partial router change is written in place, keeps comments and $VARs, and is hot-reloaded", async () => {
    const res = await post({ router: { think: "sonnet", background: null, websearch: "" } });
    expect(res.status).toBe(200);
    const text = fileText();
    expect(text).toContain('think = "sonnet"');
    expect(text).not.toContain("background =");
    expect(text).not.toContain("websearch");
    expect(text).toContain("# The header comment must survive every save.");
    expect(text).toContain("port = 13456          # the usual port");
    expect(text).toContain('api_key = "$ADMIN_T_OR_KEY"');
    expect(text).toContain('Authorization = "Bearer ${ADMIN_T_HDR}"');
    expect(ccmux.deps.config.router.think).toBe("sonnet");
    expect(ccmux.deps.config.router.background).toBeUndefined();
    const shown = await (await getJson("/api/config/json")).json();
    expect(shown.router.think).toBe("sonnet");
  });

  test('provider keys: "set" and the $VAR text keep the reference, a new $VAR or literal replaces it', async () => {
    const shown = await (await getJson("/api/config/json")).json();
    const [or, groq] = shown.providers;
    const res = await post({
      providers: [
        { ...or, api_key: "$ADMIN_T_NEW", headers: { ...or.headers, "X-Title": "mine" } },
        { ...groq, api_key: "set" },
      ],
    });
    expect(res.status).toBe(200);
    const text = fileText();
    expect(text).toContain('api_key = "$ADMIN_T_NEW"');
    expect(text).toContain('api_key = "gsk_literalsecret_0123456789"');
    expect(text).toContain('X-Secret-Key = "literal-header-secret-5150"');
    expect(text).toContain('X-Title = "mine"');
    expect(text).toContain('# A literal key, written in the file.\n[[providers]]\nname = "groq"');
    expect(ccmux.deps.config.providers[0]!.api_key).toBe(ENV.ADMIN_T_NEW);
    const again = await post({ providers: [{ ...or, api_key: "sk-typed-in-literal-000000000" }, groq] });
    expect(again.status).toBe(200);
    expect((await (await getJson("/api/providers")).json())[0].api_key).toBe("set");
  });

  test('a renamed provider keeps its key reference when sent back as "set"', async () => {
    const shown = await (await getJson("/api/config/json")).json();
    const [or, groq] = shown.providers;
    const models = [{ name: "sonnet", mappings: [{ priority: 1, provider: "or2", actual_model: "x" }] }];
    const res = await post({ providers: [{ ...or, name: "or2", api_key: "set" }, groq], models });
    expect(res.status).toBe(200);
    expect(fileText()).toContain('name = "or2"\nprovider_type = "z.ai"\napi_key = "$ADMIN_T_OR_KEY"');
  });

  test('"set" for a provider that has no key is a 400', async () => {
    const res = await post({ providers: [{ name: "new", provider_type: "groq", api_key: "set" }] });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.problems[0]).toMatch(/providers\[0\]\.api_key: "set" keeps the current value, but there is none/);
  });

  test("invalid configs are refused with the loader's own problems, and the file is untouched", async () => {
    const cases: [unknown, RegExp][] = [
      [
        { models: [{ name: "x", mappings: [{ priority: 1, provider: "ghost", actual_model: "m" }] }] },
        /models\[0\]\.mappings\[0\]\.provider: unknown provider "ghost"/,
      ],
      [{ router: { auto_map_regex: "(" } }, /router\.auto_map_regex: invalid regular expression/],
      [{ server: { port: "eighty" } }, /server\.port: expected number, got string/],
      [{ providers: [{ name: "a", provider_type: "nope" }] }, /providers\[0\]\.provider_type: expected one of/],
      [
        { providers: [{ name: "a", provider_type: "groq", api_key: "$ADMIN_T_UNSET_VAR" }] },
        /environment variable ADMIN_T_UNSET_VAR is not set/,
      ],
      [{ providers: "all of them" }, /providers: expected an array/],
      [{ routers: {} }, /unknown key routers/],
      [{ server: { zzz: { deep: 1 } } }, /unknown key server\.zzz/],
      [
        { providers: [{ name: "a", provider_type: "groq", api_key: "$X", typo_key: 1 }] },
        /unknown key providers\[0\]\.typo_key/,
      ],
      [[1, 2], /must be a JSON object/],
    ];
    for (const [body, problem] of cases) {
      const res = await post(body);
      expect(res.status).toBe(400);
      const json = await res.json();
      expect(json).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
      expect(json.problems.join("\n")).toMatch(problem);
    }
    expect(fileText()).toBe(FILE);
    expect(existsSync(`${path}.bak`)).toBe(false);
  });

  test("malformed bodies and content types are 400s in Anthropic's shape", async () => {
    for (const [body, type] of [
      ["{nope", "application/json"],
      ["", "application/json"],
      ["a=b", "application/x-www-form-urlencoded"],
    ]) {
      const res = await post(body, { "content-type": type! });
      expect(res.status).toBe(400);
      expect((await res.json()).type).toBe("error");
    }
  });

  test("If-Match: a stale ETag is a 412, the current one saves", async () => {
    const etag = (await getJson("/api/config/json")).headers.get("etag")!;
    writeFileSync(path, FILE.replace("# The header", "# Edited by hand. The header"));
    expect((await post({ router: { think: "sonnet" } }, { "if-match": etag })).status).toBe(412);
    const fresh = (await getJson("/api/config/json")).headers.get("etag")!;
    const ok = await post({ router: { think: "sonnet" } }, { "if-match": fresh });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("etag")).not.toBe(fresh);
    expect(fileText()).toContain("# Edited by hand.");
  });

  test("the file's mode is kept, for the file and its backup", async () => {
    chmodSync(path, 0o600);
    expect((await post({ router: { think: "sonnet" } })).status).toBe(200);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}.bak`).mode & 0o777).toBe(0o600);
  });

  test("concurrent saves are serialized: none is lost", async () => {
    const slots = ["think", "websearch", "image", "long_context", "background_regex"];
    const results = await Promise.all(
      slots.map((slot) => post({ router: { [slot]: slot === "background_regex" ? "haiku" : "sonnet" } })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const router = ccmux.deps.config.router;
    expect([router.think, router.websearch, router.image, router.long_context, router.background_regex]).toEqual([
      "sonnet",
      "sonnet",
      "sonnet",
      "sonnet",
      "haiku",
    ]);
  });

  test("a file with a TOML syntax error is not overwritten", async () => {
    writeFileSync(path, `${FILE}\n[router\n`);
    const res = await post({ router: { think: "sonnet" } });
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toMatch(/does not parse as TOML/);
    expect(fileText()).toBe(`${FILE}\n[router\n`);
  });
});

describe("without a config file (embedded default)", () => {
  beforeEach(() => start(undefined));

  test("POST writes a new file from the commented template", async () => {
    const shown = await (await fetch(`${ccmux.url}/api/config/json`)).json();
    expect(shown.providers[0]).toMatchObject({ name: "anthropic", auth_type: "passthrough", api_key: null });
    const res = await fetch(`${ccmux.url}/api/config/json`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ server: { port: 14000 } }),
    });
    expect(res.status).toBe(200);
    const text = fileText();
    expect(text).toContain("port = 14000");
    expect(text.split("\n").filter((l) => l.startsWith("#"))).toEqual(
      CONFIG_TEMPLATE.split("\n").filter((l) => l.startsWith("#")),
    );
    expect(existsSync(`${path}.bak`)).toBe(false);
    expect(ccmux.deps.config.path).toBe(path);
  });
});
