import { describe, expect, test } from "bun:test";
import { compileRegex, embeddedDefaultConfig, parseConfig } from "../../src/config/load.ts";
import { CONFIG_TEMPLATE } from "../../src/config/template.ts";

describe("CONFIG_TEMPLATE", () => {
  test("loads without warnings into exactly the embedded default", () => {
    const { config, warnings } = parseConfig(CONFIG_TEMPLATE, { path: "/p/config.toml", env: {} });
    expect(warnings).toEqual([]);
    expect(config.path).toBe("/p/config.toml");
    const { path: _path, ...rest } = config;
    expect(rest).toStrictEqual(embeddedDefaultConfig());
  });

  test("points consumer Google users to a Gemini API key or Vertex", () => {
    expect(CONFIG_TEMPLATE).toContain("ended for consumer accounts (free, Google One, AI Pro/Ultra) on 2026-06-18");
    expect(CONFIG_TEMPLATE).toContain('provider_type = "vertex-ai"');
  });

  test("its commented examples load once uncommented", () => {
    const uncommented = CONFIG_TEMPLATE.replace(/^# (\[|[a-z_]+ = )/gm, "$1");
    const env = { OPENROUTER_API_KEY: "sk-or", CCMUX_API_KEY: "in", GEMINI_API_KEY: "g" };
    const { config, warnings } = parseConfig(uncommented, { path: "c", env });
    expect(warnings).toEqual([]);
    expect(config.providers.map((p) => p.name)).toEqual(["anthropic", "openrouter", "claude-max", "gemini"]);
    expect(config.router).toMatchObject({
      think: "sonnet",
      background: "sonnet",
      image: "sonnet",
      background_regex: "(?i)claude.*haiku",
    });
    expect(config.models.find((m) => m.name === "sonnet")?.mappings.map((m) => m.priority)).toEqual([1, 2]);
  });
});

describe("embeddedDefaultConfig", () => {
  test("is a passthrough to Anthropic with a catch-all model that keeps the client's model name", () => {
    const config = embeddedDefaultConfig();
    expect(config.providers).toEqual([
      {
        name: "anthropic",
        provider_type: "anthropic",
        auth_type: "passthrough",
        headers: {},
        models: [],
        enabled: true,
      },
    ]);
    expect(config.models).toEqual([
      { name: "*", mappings: [{ priority: 1, provider: "anthropic", actual_model: "*" }] },
    ]);
    expect(config.router.auto_map_regex).toBe("^$");
    expect(config.path).toBeUndefined();
  });

  test("returns a fresh object each time", () => {
    const a = embeddedDefaultConfig();
    a.providers.pop();
    expect(embeddedDefaultConfig().providers).toHaveLength(1);
  });
});

describe("compileRegex", () => {
  test("(?i) becomes the i flag", () => {
    const re = compileRegex("(?i)claude.*haiku");
    expect(re.flags).toBe("i");
    expect(re.test("Claude-3-HAIKU")).toBe(true);
    expect(re.test("claude-sonnet")).toBe(false);
  });

  test("combined flags and plain patterns", () => {
    expect(compileRegex("(?is)a.b").flags).toBe("is");
    expect(compileRegex("(?is)a.b").test("A\nB")).toBe(true);
    expect(compileRegex("^claude-").test("Claude-x")).toBe(false);
  });

  test("invalid patterns and unsupported flags throw", () => {
    expect(() => compileRegex("claude-(")).toThrow(SyntaxError);
    expect(() => compileRegex("(?x)a b")).toThrow(/unsupported inline flag/);
  });
});
