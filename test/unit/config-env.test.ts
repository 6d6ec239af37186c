import { describe, expect, test } from "bun:test";
import { expandString } from "../../src/config/env-expand.ts";
import { ConfigFileError, parseConfig } from "../../src/config/load.ts";

describe("expandString", () => {
  const env = { KEY: "secret", TOKEN: "t0k", EMPTY: "" };

  test("$VAR and ${VAR}", () => {
    expect(expandString("$KEY", env).value).toBe("secret");
    expect(expandString("${KEY}", env).value).toBe("secret");
  });

  test("anywhere inside a string", () => {
    expect(expandString("Bearer ${TOKEN}", env).value).toBe("Bearer t0k");
    expect(expandString("${KEY}-$TOKEN/x", env).value).toBe("secret-t0k/x");
  });

  test("$$ is a literal $, and a lone $ stays", () => {
    expect(expandString("pa$$word $$KEY", env)).toMatchObject({ value: "pa$word $KEY", vars: [] });
    expect(expandString("costs $5", env).value).toBe("costs $5");
  });

  test("a variable set to the empty string expands to it", () => {
    expect(expandString("a${EMPTY}b", env).value).toBe("ab");
  });

  test("unset and malformed references are reported", () => {
    expect(expandString("$NOPE", env).unset).toEqual(["NOPE"]);
    expect(expandString("${KEY", env).errors[0]).toContain("unclosed");
    expect(expandString("${1X}", env).errors[0]).toContain("invalid variable reference");
  });
});

describe("env expansion in config files", () => {
  const text = `[server]
api_key = "\${CCMUX_KEY}"

[router]
default = "m"

[[providers]]
name = "or"
provider_type = "openrouter"
api_key = "$OPENROUTER_API_KEY"
base_url = "https://\${HOST}/api/v1"
headers = { Authorization = "Bearer \${TOKEN}", X-Price = "$$5" }

[[providers]]
name = "off"
provider_type = "groq"
api_key = "$GROQ_KEY_NOT_SET"
enabled = false
`;

  test("every string value is expanded, and the raw api_key reference is kept", () => {
    const env = { CCMUX_KEY: "inbound", OPENROUTER_API_KEY: "sk-or", HOST: "example.test", TOKEN: "abc" };
    const { config } = parseConfig(text, { path: "c", env });
    expect(config.server).toMatchObject({ api_key: "inbound", api_key_ref: "${CCMUX_KEY}" });
    expect(config.providers[0]).toMatchObject({
      api_key: "sk-or",
      api_key_ref: "$OPENROUTER_API_KEY",
      base_url: "https://example.test/api/v1",
      headers: { Authorization: "Bearer abc", "X-Price": "$5" },
    });
  });

  test("a disabled provider may reference an unset variable", () => {
    const env = { CCMUX_KEY: "k", OPENROUTER_API_KEY: "sk-or", HOST: "h", TOKEN: "t" };
    const { config } = parseConfig(text, { path: "c", env });
    expect(config.providers[1]).toMatchObject({ enabled: false, api_key_ref: "$GROQ_KEY_NOT_SET" });
  });

  test("an unset variable is an error naming the variable and the key", () => {
    const env = { CCMUX_KEY: "k", HOST: "h", TOKEN: "t" };
    let error: unknown;
    try {
      parseConfig(text, { path: "config.toml", env });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigFileError);
    const problems = (error as ConfigFileError).problems;
    expect(problems).toEqual([
      {
        keyPath: "providers[0].api_key",
        message: "environment variable OPENROUTER_API_KEY is not set",
        line: 10,
        column: 1,
      },
    ]);
    expect((error as Error).message).toContain(
      "config.toml:10:1: providers[0].api_key: environment variable OPENROUTER_API_KEY is not set",
    );
  });

  test("a slot whose variable expands to empty is unset", () => {
    const { config } = parseConfig(`[router]\ndefault = "m"\nthink = "$THINK"\n`, { path: "c", env: { THINK: "" } });
    expect(config.router.think).toBeUndefined();
  });
});
