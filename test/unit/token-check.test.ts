import { describe, expect, test } from "bun:test";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkTokens, type OAuthProviderLike } from "../../src/auth/token-check.ts";
import type { StoredToken } from "../../src/auth/types.ts";
import { checkConfigFile } from "../../src/cli/config-check-file.ts";

const NOW = Date.parse("2026-12-06T00:00:00Z");
const FUTURE = "2030-01-01T00:00:00Z";
const PAST = "2026-01-01T00:00:00Z";

/** A JWT-shaped string with these claims (no signature: nothing checks one). */
const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`;

const token = (id: string, extra: Partial<StoredToken>): StoredToken => ({
  provider_id: id,
  access_token: "fake-at",
  refresh_token: "fake-rt",
  expires_at: FUTURE,
  ...extra,
});

const claude: OAuthProviderLike = {
  name: "claude-max",
  provider_type: "anthropic",
  auth_type: "oauth",
  oauth_provider: "claude-max",
};

function check(tokens: StoredToken[], providers: OAuthProviderLike[] = [claude]) {
  const byId = new Map(tokens.map((t) => [t.provider_id, t]));
  return checkTokens(providers, (id) => byId.get(id), "/data/oauth_tokens.json", NOW);
}

describe("OAuth token checks (shared by config check and doctor)", () => {
  test("a valid token, and an expired one with a refresh token, pass", () => {
    expect(check([token("claude-max", { kind: "anthropic" })])[0]).toMatchObject({ ok: true });
    const expired = check([token("claude-max", { kind: "anthropic", expires_at: PAST })])[0]!;
    expect(expired).toMatchObject({ ok: true, message: expect.stringContaining("refreshed on next use") });
  });

  test("a missing token names the store and the login command for the provider's kind", () => {
    const [f] = check([]);
    expect(f).toMatchObject({ ok: false, keyPath: "providers[0].oauth_provider" });
    expect(f!.message).toBe('no token "claude-max" in /data/oauth_tokens.json');
    expect(f!.fix).toBe("run `ccmux auth login anthropic --id claude-max`");
  });

  test("expired beyond refresh: no refresh token, or a refresh token whose own expiry passed", () => {
    const bare = check([token("claude-max", { kind: "anthropic", expires_at: PAST, refresh_token: "" })])[0]!;
    expect(bare.ok).toBe(false);
    expect(bare.message).toContain("has no refresh token");
    const stale = check([token("claude-max", { expires_at: PAST, refresh_token: jwt({ exp: NOW / 1000 - 60 }) })])[0]!;
    expect(stale.ok).toBe(false);
    expect(stale.message).toContain("refresh token expired too");
  });

  test("the wrong kind: a ChatGPT login for a Claude provider, by its kind or by its shape", () => {
    const byKind = check([token("claude-max", { kind: "openai" })])[0]!;
    expect(byKind.ok).toBe(false);
    expect(byKind.message).toBe(
      'token "claude-max" comes from `auth login openai`, but provider "claude-max" needs `auth login anthropic`',
    );
    const byShape = check([token("claude-max", { access_token: "ya29.fake" })])[0]!;
    expect(byShape.message).toContain("comes from `auth login google`");
    const console = check([token("claude-max", { kind: "anthropic-console", api_key: "fake-key", expires_at: PAST })]);
    expect(console[0]!.ok).toBe(true);
  });

  test("disabled providers and accounts, and API-key providers, need no token", () => {
    const providers = [
      { ...claude, enabled: false },
      { name: "or", provider_type: "openrouter", auth_type: "apikey" },
      { name: "pool", provider_type: "anthropic", accounts: [{ oauth_provider: "a", enabled: false }] },
    ];
    expect(check([], providers)).toEqual([]);
  });
});

describe("config check with OAuth providers", () => {
  const config = (provider: string) =>
    `[router]\ndefault = "m"\n\n${provider}\n[[models]]\nname = "m"\n[[models.mappings]]\npriority = 1\nprovider = "claude-max"\nactual_model = "claude-sonnet-4-5"\n`;
  const oauthProvider = `[[providers]]\nname = "claude-max"\nprovider_type = "anthropic"\nauth_type = "oauth"\nmodels = []\n`;

  async function run(tokens: Record<string, unknown> | undefined) {
    const dir = await mkdtemp(join(tmpdir(), "ccmux-tokcheck-"));
    await writeFile(join(dir, "config.toml"), config(oauthProvider));
    if (tokens) await writeFile(join(dir, "oauth_tokens.json"), JSON.stringify(tokens));
    return checkConfigFile(join(dir, "config.toml"), { CCMUX_HOME: dir });
  }

  test("reports a missing token, one expired beyond refresh and one of the wrong kind; passes a good one", async () => {
    const missing = await run(undefined);
    expect(missing.ok).toBe(false);
    expect(missing.errors[0]).toMatchObject({ keyPath: "providers[0].oauth_provider" });
    expect(missing.errors[0]!.message).toContain('no token "claude-max"');
    const base = { access_token: "fake-at", refresh_token: "", expires_at: PAST, kind: "anthropic" };
    const expired = await run({ "claude-max": base });
    expect(expired.errors[0]!.message).toContain("has no refresh token (log in again: `ccmux auth login anthropic");
    const wrong = await run({ "claude-max": { ...base, refresh_token: "fake-rt", kind: "google" } });
    expect(wrong.errors[0]!.message).toContain("comes from `auth login google`");
    const good = await run({ "claude-max": { ...base, refresh_token: "fake-rt", expires_at: FUTURE } });
    expect(good).toMatchObject({ ok: true, errors: [] });
  });
});
