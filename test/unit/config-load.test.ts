import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigFileError, loadConfigFile, parseConfig } from "../../src/config/load.ts";
import { ConfigError } from "../../src/util/errors.ts";

// A config as claude-code-mux 0.6.3 writes and documents it (reference §2).
const CCM_CONFIG = `[server]
host = "127.0.0.1"
port = 13456
log_level = "info"

[server.timeouts]
api_timeout_ms = 600000
connect_timeout_ms = 10000

[router]
default = "glm-4.6"
think = "glm-4.6"
background = "glm-4.6"
websearch = "glm-4.6"
auto_map_regex = "^claude-"
background_regex = "(?i)claude.*haiku"

[[providers]]
name = "zai coding plan"
provider_type = "z.ai"
auth_type = "apikey"
api_key = "$ZAI_API_KEY"
models = []
enabled = true

[[providers]]
name = "openrouter"
provider_type = "openrouter"
api_key = "sk-or-literal"
models = []
enabled = true

[[providers]]
name = "claude-max"
provider_type = "anthropic"
auth_type = "oauth"
oauth_provider = "claude-max"
models = []
enabled = true

[[models]]
name = "glm-4.6"

[[models.mappings]]
priority = 2
provider = "openrouter"
actual_model = "z-ai/glm-4.6"

[[models.mappings]]
priority = 1
provider = "zai coding plan"
actual_model = "glm-4.6"
`;

const ROUTER = `[router]\ndefault = "m"\n`;
const env = { ZAI_API_KEY: "zai-secret" };

function parseError(text: string, penv: Record<string, string> = {}): ConfigFileError {
  try {
    parseConfig(text, { path: "config.toml", env: penv });
  } catch (err) {
    if (err instanceof ConfigFileError) return err;
    throw err;
  }
  throw new Error("expected a ConfigFileError");
}

describe("claude-code-mux compatibility", () => {
  test("a claude-code-mux config.toml loads unchanged", () => {
    const { config, warnings } = parseConfig(CCM_CONFIG, { path: "/x/config.toml", env });
    expect(warnings).toEqual([]);
    expect(config.path).toBe("/x/config.toml");
    expect(config.server).toEqual({
      host: "127.0.0.1",
      port: 13456,
      log_level: "info",
      timeouts: { api_timeout_ms: 600000, connect_timeout_ms: 10000, idle_timeout_ms: 120000, ping_interval_ms: 15000 },
      health: { failure_threshold: 3, cooldown_ms: 5000, max_cooldown_ms: 600000 },
      limits: { max_upstream_body_mb: 64, request_body_timeout_ms: 60000 },
    });
    expect(config.router.default).toBe("glm-4.6");
    expect(config.router.background_regex).toBe("(?i)claude.*haiku");
    expect(config.providers.map((p) => p.name)).toEqual(["zai coding plan", "openrouter", "claude-max"]);
    expect(config.providers[0]).toMatchObject({
      auth_type: "apikey",
      api_key: "zai-secret",
      api_key_ref: "$ZAI_API_KEY",
    });
    expect(config.providers[1]!.api_key_ref).toBeUndefined();
    expect(config.providers[2]).toMatchObject({ auth_type: "oauth", oauth_provider: "claude-max" });
  });

  test("mappings come out in ascending priority", () => {
    const { config } = parseConfig(CCM_CONFIG, { path: "config.toml", env });
    expect(config.models[0]!.mappings.map((m) => m.provider)).toEqual(["zai coding plan", "openrouter"]);
  });

  test('auth_type = "api_key", as the original template wrote it, is "apikey"', () => {
    const text = `${ROUTER}[[providers]]\nname = "o"\nprovider_type = "openrouter"\nauth_type = "api_key"\napi_key = "k"\n`;
    expect(parseConfig(text, { path: "c", env: {} }).config.providers[0]!.auth_type).toBe("apikey");
  });

  test("server defaults apply when [server] is missing", () => {
    const { config } = parseConfig(ROUTER, { path: "c", env: {} });
    expect(config.server.port).toBe(13456);
    expect(config.server.host).toBe("127.0.0.1");
    expect(config.router.long_context_threshold).toBe(60000);
  });

  test("[output_limits] overrides the shipped output-limit table by model id, whole numbers of at least 1", () => {
    const text = `${ROUTER}[output_limits]\n"my-local-model" = 32768\n`;
    expect(parseConfig(text, { path: "c", env: {} }).config.output_limits).toEqual({ "my-local-model": 32768 });
    expect(parseError(`${ROUTER}[output_limits]\n"m" = 0\n`).message).toContain("output_limits");
  });

  test("[server.limits] takes the upstream body cap and the request body timeout, whole numbers at least 1", () => {
    const text = `[server.limits]\nmax_upstream_body_mb = 8\nrequest_body_timeout_ms = 5000\n${ROUTER}`;
    expect(parseConfig(text, { path: "c", env: {} }).config.server.limits).toEqual({
      max_upstream_body_mb: 8,
      request_body_timeout_ms: 5000,
    });
    expect(parseError(`[server.limits]\nmax_upstream_body_mb = 0\n${ROUTER}`).message).toContain(
      "server.limits.max_upstream_body_mb: expected at least 1, got 0",
    );
  });
});

describe("errors name file, line, column and key path", () => {
  test("a TOML syntax error gives file:line:col", () => {
    const err = parseError(`[router]\ndefault = "m"\nthink = = "x"\n`);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems[0]).toMatchObject({ line: 3, column: 9 });
    expect(err.message).toContain("config.toml:3:9:");
  });

  test("a schema error names the key path, what was expected and where it is", () => {
    const err = parseError(`[router]\ndefault = 5\n`);
    expect(err.message).toContain("config.toml:2:1: router.default: expected string, got number");
  });

  test("a bad provider_type names providers[i].provider_type and the valid types", () => {
    const text = `${ROUTER}[[providers]]\nname = "a"\nprovider_type = "anthropic"\napi_key = "k"\n\n[[providers]]\nname = "b"\n  provider_type = "zai"\n`;
    const err = parseError(text);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ keyPath: "providers[1].provider_type", line: 10, column: 3 });
    expect(err.problems[0]!.message).toContain('"z.ai"');
  });

  test("a missing [router] is reported", () => {
    const err = parseError(`[server]\nport = 1\n`);
    expect(err.problems[0]).toMatchObject({ keyPath: "router" });
    expect(err.problems[0]!.message).toContain("missing");
  });

  test("a missing key points at its table", () => {
    const text = `${ROUTER}[[models]]\nname = "m"\n[[models.mappings]]\nprovider = "p"\nactual_model = "x"\n`;
    const err = parseError(text);
    expect(err.problems[0]).toMatchObject({ keyPath: "models[0].mappings[0].priority", line: 5, column: 1 });
  });

  test("every problem is reported, not just the first", () => {
    const err = parseError(`[server]\nport = 70000\n[router]\ndefault = "m"\nlong_context_threshold = 1.5\n`);
    expect(err.problems.map((p) => p.keyPath)).toEqual(["server.port", "router.long_context_threshold"]);
  });
});

describe("unknown keys", () => {
  test("are warnings by path, with a hint for near misses", () => {
    const text = `${ROUTER}[[providers]]\nname = "a"\nprovider_type = "anthropic"\napikey = "k"\nauth_type = "passthrough"\n`;
    const { warnings } = parseConfig(text, { path: "config.toml", env: {} });
    const unknown = warnings.filter((w) => w.includes("unknown key"));
    expect(unknown).toEqual(["config.toml:6:1: unknown key providers[0].apikey (did you mean api_key?)"]);
  });

  test("are not env-expanded, so an unset variable in one is no error", () => {
    const { warnings } = parseConfig(`${ROUTER}legacy = "$NOT_SET"\n`, { path: "c", env: {} });
    expect(warnings).toContain("c:3:1: unknown key router.legacy");
  });
});

describe("semantic checks", () => {
  test("a router slot naming no model is a warning", () => {
    const { warnings } = parseConfig(`[router]\ndefault = "m"\nthink = "ghost"\n`, { path: "c", env: {} });
    expect(warnings).toEqual([
      `c:2:1: router.default: "m" is not a [[models]] name nor in any provider's models list`,
      `c:3:1: router.think: "ghost" is not a [[models]] name nor in any provider's models list`,
    ]);
  });

  const provider = (name: string, extra = "") =>
    `[[providers]]\nname = "${name}"\nprovider_type = "openrouter"\napi_key = "k"\n${extra}\n`;
  const model = (name: string, providerName: string) =>
    `[[models]]\nname = "${name}"\n[[models.mappings]]\npriority = 1\nprovider = "${providerName}"\nactual_model = "x"\n`;

  test("a mapping to an unknown provider is an error", () => {
    const err = parseError(`${ROUTER}${provider("a")}${model("m", "nope")}`);
    expect(err.problems[0]!.keyPath).toBe("models[0].mappings[0].provider");
    expect(err.problems[0]!.message).toContain('unknown provider "nope"');
  });

  test("a mapping to a disabled provider is a warning", () => {
    const { warnings } = parseConfig(`${ROUTER}${provider("a", "enabled = false")}${model("m", "a")}`, {
      path: "c",
      env: {},
    });
    expect(warnings.some((w) => w.includes("models[0].mappings[0].provider") && w.includes("disabled"))).toBe(true);
  });

  test("duplicate provider and model names are errors", () => {
    const err = parseError(`${ROUTER}${provider("a")}${provider("a")}${model("m", "a")}${model("m", "a")}`);
    expect(err.problems.map((p) => p.keyPath)).toEqual(["providers[1].name", "models[1].name"]);
  });

  test("an invalid regex names its key", () => {
    const err = parseError(`[router]\ndefault = "m"\nauto_map_regex = "claude-("\n`);
    expect(err.problems[0]!.keyPath).toBe("router.auto_map_regex");
    expect(err.problems[0]!.line).toBe(3);
  });

  test("openai-compatible needs base_url", () => {
    const err = parseError(
      `${ROUTER}[[providers]]\nname = "local"\nprovider_type = "openai-compatible"\napi_key = "k"\n`,
    );
    expect(err.problems[0]).toMatchObject({
      keyPath: "providers[0].base_url",
      message: "provider local (openai-compatible) needs base_url",
    });
  });

  test("an apikey provider without api_key is an error, unless keyless or disabled", () => {
    const err = parseError(`${ROUTER}[[providers]]\nname = "o"\nprovider_type = "openrouter"\n`);
    expect(err.problems[0]!.message).toBe('provider o needs api_key (or auth_type = "oauth"/"passthrough")');
    expect(() =>
      parseConfig(`${ROUTER}[[providers]]\nname = "l"\nprovider_type = "ollama"\n`, { path: "c", env: {} }),
    ).not.toThrow();
    const disabled = `${ROUTER}[[providers]]\nname = "o"\nprovider_type = "openrouter"\nenabled = false\n`;
    expect(() => parseConfig(disabled, { path: "c", env: {} })).not.toThrow();
  });

  test("oauth without oauth_provider defaults it to the provider name", () => {
    const { config } = parseConfig(
      `${ROUTER}[[providers]]\nname = "max"\nprovider_type = "anthropic"\nauth_type = "oauth"\n`,
      { path: "c", env: {} },
    );
    expect(config.providers[0]!.oauth_provider).toBe("max");
  });

  test("vertex-ai defaults to adc and needs project_id and location", () => {
    const ok = `${ROUTER}[[providers]]\nname = "v"\nprovider_type = "vertex-ai"\nproject_id = "p"\nlocation = "us-central1"\n`;
    expect(parseConfig(ok, { path: "c", env: {} }).config.providers[0]!.auth_type).toBe("adc");
    const err = parseError(`${ROUTER}[[providers]]\nname = "v"\nprovider_type = "vertex-ai"\n`);
    expect(err.problems.map((p) => p.keyPath)).toEqual(["providers[0].project_id", "providers[0].location"]);
  });

  test("a vertex-ai location that is not a region name is refused (it becomes part of the host name)", () => {
    const bad = `${ROUTER}[[providers]]\nname = "v"\nprovider_type = "vertex-ai"\nproject_id = "p"\nlocation = "evil.example/x#"\n`;
    const err = parseError(bad);
    expect(err.problems.map((p) => p.keyPath)).toEqual(["providers[0].location"]);
    expect(err.problems[0]!.message).toContain("not a Google Cloud region name");
  });

  test('an empty router slot is unset, not a model named ""', () => {
    const { config } = parseConfig(`[router]\ndefault = "m"\nthink = ""\nbackground = ""\nauto_map_regex = ""\n`, {
      path: "c",
      env: {},
    });
    expect("think" in config.router).toBe(false);
    expect(config.router.background).toBeUndefined();
    expect(config.router.auto_map_regex).toBeUndefined();
  });

  test("an empty router.default is an error", () => {
    expect(parseError(`[router]\ndefault = ""\n`).problems[0]!.keyPath).toBe("router.default");
  });
});

describe("loadConfigFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "ccmux-config-"));

  test("returns undefined when the file does not exist", async () => {
    expect(await loadConfigFile(join(dir, "missing.toml"), {})).toBeUndefined();
  });

  test("loads a file and sets config.path", async () => {
    const file = join(dir, "config.toml");
    writeFileSync(file, CCM_CONFIG);
    const loaded = await loadConfigFile(file, env);
    expect(loaded?.config.path).toBe(file);
    expect(loaded!.config.providers[0]!.api_key).toBe("zai-secret");
  });

  test("errors name the real file", async () => {
    const file = join(dir, "broken.toml");
    writeFileSync(file, "[router\n");
    const err = await loadConfigFile(file, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigFileError);
    expect((err as ConfigFileError).file).toBe(file);
    expect((err as ConfigFileError).message).toContain(`${file}:1:`);
  });
});
