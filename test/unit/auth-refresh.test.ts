import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createFlowRegistry } from "../../src/auth/flows/index.ts";
import { oauthCredentialSource, oauthSourceFactory } from "../../src/auth/refresh.ts";
import { createTokenStore } from "../../src/auth/store.ts";
import type { StoredToken } from "../../src/auth/types.ts";
import type { ProviderConfig } from "../../src/config/types.ts";
import type { FetchFn } from "../../src/contracts/adapter.ts";
import { runtime } from "../../src/runtime/index.ts";
import { AuthError } from "../../src/util/errors.ts";
import { createLogger } from "../../src/util/log.ts";
import { startFakeOAuth, type FakeOAuth, type FakeOAuthOptions } from "../helpers/fake-oauth.ts";

let fake: FakeOAuth | undefined;
afterEach(() => fake?.stop());

const soon = () => new Date(Date.now() + 60_000).toISOString();
const later = () => new Date(Date.now() + 3600_000).toISOString();

async function setup(opts: Partial<FakeOAuthOptions> = {}, token: Partial<StoredToken> = {}) {
  fake = startFakeOAuth({ format: "json", tokenDelayMs: 30, ...opts });
  fake.seedRefreshToken("rt-0");
  fake.accessTokens.add("at-0");
  const path = join(mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "refresh-")), "oauth_tokens.json");
  const store = createTokenStore({ path, runtime });
  await store.set({
    provider_id: "claude-max",
    access_token: "at-0",
    refresh_token: "rt-0",
    expires_at: soon(),
    kind: "anthropic",
    ...token,
  });
  const flows = createFlowRegistry({ env: { CCMUX_OAUTH_ANTHROPIC_TOKEN_URL: `${fake.url}/v1/oauth/token` } });
  const source = (fetchFn: FetchFn = fetch, s = store) =>
    oauthCredentialSource({ store: s, id: "claude-max", flows, fetch: fetchFn });
  return { fake, path, store, flows, source };
}

const onDisk = (path: string) => JSON.parse(readFileSync(path, "utf8"))["claude-max"] as StoredToken;

describe("oauth credential source", () => {
  test("50 concurrent gets near expiry make exactly one token call, and the rotated refresh token is on disk first", async () => {
    const { fake: f, path, source } = await setup();
    const src = source();
    const first = src.get().then((c) => ({ c, disk: onDisk(path) }));
    const all = await Promise.all([
      first,
      ...Array.from({ length: 49 }, () => src.get().then((c) => ({ c, disk: onDisk(path) }))),
    ]);
    expect(f.tokenCalls.refresh_token).toBe(1);
    const tokens = new Set(all.map((r) => r.c.accessToken));
    expect(tokens.size).toBe(1);
    expect(tokens.has("at-0")).toBe(false);
    for (const r of all) {
      expect(r.disk.access_token).toBe(r.c.accessToken!);
      expect(r.disk.refresh_token).not.toBe("rt-0");
      expect(f.refreshTokens.has(r.disk.refresh_token)).toBe(true);
    }
  });

  test("at debug the refresh is logged (why, how long, the new expiry), never a token", async () => {
    const { store, flows } = await setup();
    const lines: string[] = [];
    const log = createLogger({ level: "debug", plain: true, stream: { write: (s: string) => lines.push(s) } });
    const src = oauthCredentialSource({ store, id: "claude-max", flows, fetch, log });
    const { accessToken } = await src.get();
    const text = lines.join("");
    expect(text).toMatch(/DEBUG OAuth token "claude-max" \(anthropic\): refreshing, it expires \d{4}-/);
    expect(text).toMatch(/DEBUG OAuth token "claude-max" refreshed in \d+ ms; expires \d{4}-/);
    for (const secret of ["at-0", "rt-0", accessToken!]) expect(text).not.toContain(secret);
  });

  test("separate sources for the same id share the flight", async () => {
    const { fake: f, source } = await setup();
    await Promise.all([source().get(), source().get(), source().get()]);
    expect(f.tokenCalls.refresh_token).toBe(1);
  });

  test("a valid token is used as is; refresh() forces one call, single-flight", async () => {
    const { fake: f, source } = await setup({}, { expires_at: later() });
    const src = source();
    expect(await src.get()).toEqual({ accessToken: "at-0" });
    expect(f.tokenCalls.refresh_token).toBe(0);
    const forced = await Promise.all(Array.from({ length: 10 }, () => src.refresh!()));
    expect(f.tokenCalls.refresh_token).toBe(1);
    expect(new Set(forced.map((c) => c.accessToken)).size).toBe(1);
  });

  test("a failed refresh is an AuthError telling the user how to log in again; the token is kept", async () => {
    const { fake: f, path, source } = await setup();
    f.failRefresh = true;
    const err = await source()
      .get()
      .catch((e) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toContain("ccmux auth login anthropic --id claude-max");
    expect(onDisk(path).refresh_token).toBe("rt-0");
  });

  test("a missing token names the file and the login command", async () => {
    const { store, flows } = await setup();
    const src = oauthCredentialSource({ store, id: "nope", flows, fetch, defaultKind: "openai" });
    const err = await src.get().catch((e) => e);
    expect(err.message).toContain(store.path);
    expect(err.message).toContain("ccmux auth login openai --id nope");
  });

  test("a token refreshed by another process is picked up without a token call", async () => {
    const { fake: f, path, source } = await setup();
    const other = createTokenStore({ path, runtime });
    await other.set({
      provider_id: "claude-max",
      access_token: "at-other",
      refresh_token: "rt-other",
      expires_at: later(),
      kind: "anthropic",
    });
    expect(await source().get()).toEqual({ accessToken: "at-other" });
    expect(f.tokenCalls.refresh_token).toBe(0);
  });

  test("when another process rotates the refresh token mid-flight, its result is used", async () => {
    const { path, source } = await setup();
    const racing: FetchFn = async () => {
      const other = createTokenStore({ path, runtime });
      await other.set({
        provider_id: "claude-max",
        access_token: "at-won",
        refresh_token: "rt-won",
        expires_at: later(),
        kind: "anthropic",
      });
      return Response.json({ error: "invalid_grant" }, { status: 400 });
    };
    expect(await source(racing).get()).toEqual({ accessToken: "at-won" });
  });

  test("a logout during refresh is not undone", async () => {
    const { path, store, source } = await setup();
    const deleting: FetchFn = async (input, init) => {
      await createTokenStore({ path, runtime }).delete("claude-max");
      return fetch(input, init);
    };
    await source(deleting).get();
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({});
    await store.reload();
    expect(store.get("claude-max")).toBeUndefined();
  });

  test("a console token with an API key yields the key and never refreshes", async () => {
    const { fake: f, source } = await setup(
      {},
      { kind: "anthropic-console", api_key: "fake-console-key", expires_at: "2000-01-01T00:00:00Z" },
    );
    expect(await source().get()).toEqual({ apiKey: "fake-console-key" });
    expect(f.tokenCalls.refresh_token).toBe(0);
  });

  test("openai and google credentials carry account and project ids", async () => {
    const { source } = await setup({}, { expires_at: later(), kind: "openai", account_id: "acct", project_id: "proj" });
    expect(await source().get()).toEqual({ accessToken: "at-0", accountId: "acct", projectId: "proj" });
  });

  test("oauthSourceFactory only handles auth_type oauth", async () => {
    const { store, flows } = await setup({}, { expires_at: later() });
    const factory = oauthSourceFactory({ store, flows, fetch });
    const provider = (over: Partial<ProviderConfig>): ProviderConfig =>
      ({
        name: "p",
        provider_type: "anthropic",
        auth_type: "oauth",
        headers: {},
        models: [],
        enabled: true,
        ...over,
      }) as ProviderConfig;
    expect(factory(provider({ auth_type: "apikey" }))).toBeUndefined();
    expect(await factory(provider({ oauth_provider: "claude-max" }))!.get()).toEqual({ accessToken: "at-0" });
  });
});
