import { describe, expect, test } from "bun:test";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkConfigFile } from "../../src/cli/config-check-file.ts";
import { parseConfig } from "../../src/config/load.ts";
import { ConfigFileError } from "../../src/config/problems.ts";

const HEAD = `[router]\ndefault = "m"\n[[models]]\nname = "m"\nmappings = [{ priority = 1, provider = "claude", actual_model = "claude-sonnet-4-5" }]\n`;
const pool = (body: string) => `${HEAD}[[providers]]\nname = "claude"\nprovider_type = "anthropic"\n${body}\n`;

function problems(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(text, { path: "config.toml", env });
  } catch (err) {
    if (err instanceof ConfigFileError) return err.problems.map((p) => `${p.keyPath}: ${p.message}`);
    throw err;
  }
  return [];
}

describe("accounts in config", () => {
  test("a pool of subscriptions and one of keys load with names, weights and the least-used default", () => {
    const subs = parseConfig(
      pool(`accounts = [{ oauth_provider = "claude-max" }, { oauth_provider = "work2", name = "work", weight = 2 }]`),
      { path: "config.toml", env: {} },
    ).config.providers[0]!;
    expect(subs.auth_type).toBe("oauth");
    expect(subs.oauth_provider).toBeUndefined();
    expect(subs.accounts).toEqual([
      { name: "claude-max", oauth_provider: "claude-max", weight: 1, enabled: true },
      { name: "work", oauth_provider: "work2", weight: 2, enabled: true },
    ]);
    expect(subs.pool).toMatchObject({ strategy: "least-used", shed_utilization: 0.9 });
    const keys = parseConfig(
      pool(`strategy = "round-robin"\naccounts = [{ api_key = "$KEY_1" }, { api_key = "$KEY_2" }]`),
      {
        path: "config.toml",
        env: { KEY_1: "fake-one", KEY_2: "fake-two" },
      },
    ).config.providers[0]!;
    expect(keys.auth_type).toBe("apikey");
    expect(keys.accounts!.map((a) => [a.name, a.api_key, a.api_key_ref])).toEqual([
      ["key-1", "fake-one", "$KEY_1"],
      ["key-2", "fake-two", "$KEY_2"],
    ]);
    expect(keys.pool!.strategy).toBe("round-robin");
  });

  test("an unset $VAR, a duplicate id, an empty account, a mixed pool and an unknown strategy are errors", () => {
    expect(problems(pool(`accounts = [{ api_key = "$KEY_9" }]`))).toEqual([
      "providers[0].accounts[0].api_key: environment variable KEY_9 is not set",
    ]);
    expect(problems(pool(`accounts = [{ oauth_provider = "a" }, { oauth_provider = "a", name = "other" }]`))).toEqual([
      'providers[0].accounts[1].oauth_provider: duplicate token id "a" (also accounts[0])',
    ]);
    expect(problems(pool(`accounts = [{ api_key = "x", name = "k" }, { api_key = "y", name = "k" }]`))).toEqual([
      'providers[0].accounts[1].name: duplicate account "k" (also accounts[0])',
    ]);
    expect(problems(pool(`accounts = [{ name = "nothing" }]`))[0]).toContain(
      "needs oauth_provider (a token id) or api_key",
    );
    expect(problems(pool(`accounts = [{ oauth_provider = "a" }, { api_key = "k" }]`))[0]).toContain("not both");
    expect(problems(pool(`strategy = "random"\naccounts = [{ api_key = "k" }]`))[0]).toContain('"fill-first"');
  });

  test("a disabled account's unset $VAR is not an error; a provider without accounts is unchanged", () => {
    expect(problems(pool(`accounts = [{ api_key = "x" }, { api_key = "$UNSET_9", enabled = false }]`))).toEqual([]);
    const plain = parseConfig(pool(`api_key = "fake-plain"`), { path: "config.toml", env: {} }).config.providers[0]!;
    expect(plain.accounts).toBeUndefined();
    expect(plain.pool).toBeUndefined();
  });

  test("config check reports an account whose token is not in the token store", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ccmux-pool-"));
    const file = join(dir, "config.toml");
    await writeFile(file, pool(`accounts = [{ oauth_provider = "claude-max" }, { oauth_provider = "work2" }]`));
    const tokens = {
      "claude-max": { access_token: "fake-at", refresh_token: "fake-rt", expires_at: "2030-01-01T00:00:00Z" },
    };
    await writeFile(join(dir, "oauth_tokens.json"), JSON.stringify(tokens));
    const report = await checkConfigFile(file, { CCMUX_HOME: dir });
    expect(report.ok).toBe(false);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]!.keyPath).toBe("providers[0].accounts[1].oauth_provider");
    expect(report.errors[0]!.message).toContain('no token "work2"');
    expect(report.errors[0]!.message).toContain("ccmux auth login anthropic --id work2");
  });
});
