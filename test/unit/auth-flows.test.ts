import { afterEach, describe, expect, test } from "bun:test";
import { createFlowRegistry } from "../../src/auth/flows/index.ts";
import { createPkce, createState } from "../../src/auth/pkce.ts";
import type { OAuthFlow, OAuthKind, StoredToken, TokenGrant } from "../../src/auth/types.ts";
import { AuthError } from "../../src/util/errors.ts";
import { startFakeOAuth, type FakeOAuth, type FakeOAuthOptions } from "../helpers/fake-oauth.ts";

let fake: FakeOAuth | undefined;
afterEach(() => fake?.stop());

const ENV_KIND: Record<OAuthKind, string> = {
  anthropic: "ANTHROPIC",
  "anthropic-console": "ANTHROPIC_CONSOLE",
  openai: "OPENAI",
  google: "GOOGLE",
};

function setup(
  kind: OAuthKind,
  options: FakeOAuthOptions,
  extraEnv: Record<string, string> = { GOOGLE_CLOUD_PROJECT: "my-gcp-project" },
): { flow: OAuthFlow; fake: FakeOAuth } {
  fake = startFakeOAuth(options);
  const p = `CCMUX_OAUTH_${ENV_KIND[kind]}`;
  const env = {
    [`${p}_AUTHORIZE_URL`]: `${fake.url}/oauth/authorize`,
    [`${p}_TOKEN_URL`]: `${fake.url}/v1/oauth/token`,
    CCMUX_OAUTH_ANTHROPIC_CONSOLE_API_KEY_URL: `${fake.url}/api/oauth/claude_cli/create_api_key`,
    CCMUX_OAUTH_GOOGLE_CODE_ASSIST_URL: fake.url,
    ...extraEnv,
  };
  return { flow: createFlowRegistry({ env, googlePollMs: 1 }).get(kind), fake };
}

/** Authorize in the "browser", return the code and the state the provider sent back. */
async function authorize(flow: OAuthFlow, f: FakeOAuth, port?: number) {
  const pkce = await createPkce();
  const state = createState();
  const redirectUri = flow.redirectUri(port);
  const url = flow.authorizeUrl(pkce, state, redirectUri);
  expect(url.startsWith(f.url)).toBe(true);
  expect(new URL(url).searchParams.get("state")).toBe(state);
  const result = await f.authorize(url);
  const back = result.pasted
    ? result.pasted.split("#")
    : [new URL(result.redirect!).searchParams.get("code")!, new URL(result.redirect!).searchParams.get("state")!];
  expect(back[1]).toBe(state); // state round-trips
  return { pkce, state, redirectUri, code: back[0]! };
}

const stored = (grant: TokenGrant, kind: OAuthKind): StoredToken => ({ provider_id: "t", kind, ...grant });

describe("oauth flows against the fake provider", () => {
  test("anthropic: JSON exchange with verifier and state; JSON refresh; rotated refresh token", async () => {
    const { flow, fake: f } = setup("anthropic", { format: "json" });
    const a = await authorize(flow, f);
    const grant = await flow.exchange(a, fetch);
    const req = f.requests.find((r) => r.body.grant_type === "authorization_code")!;
    expect(req.contentType).toContain("application/json");
    // Claude Code's own client is axios: its user agent and Accept, never the runtime's default
    expect(req.userAgent).toMatch(/^axios\/\d+\.\d+\.\d+$/);
    expect(req.accept).toBe("application/json, text/plain, */*");
    expect(req.body).toMatchObject({
      code: a.code,
      state: a.state,
      code_verifier: a.pkce.verifier,
      client_id: "9d1c250a-e61b-44d9-88ed-5944d1962f5e",
    });
    expect(Date.parse(grant.expires_at) - Date.now()).toBeGreaterThan(28_000_000);
    expect(grant.scope).toBe("user:inference user:profile user:sessions:claude_code");
    const refreshed = await flow.refresh(stored(grant, "anthropic"), fetch);
    expect(refreshed.refresh_token).not.toBe(grant.refresh_token);
    // Claude Code asks for the granted scopes again
    expect(f.requests.at(-1)!.body).toEqual({
      grant_type: "refresh_token",
      refresh_token: grant.refresh_token,
      client_id: "9d1c250a-e61b-44d9-88ed-5944d1962f5e",
      scope: "user:inference user:profile user:sessions:claude_code",
    });
    // A token stored without scopes (claude-code-mux's file) asks for Claude Code's default set
    const { scope: _granted, ...unscoped } = refreshed;
    await flow.refresh(stored(unscoped, "anthropic"), fetch);
    expect(f.requests.at(-1)!.body.scope).toBe(
      "user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload",
    );
  });

  test("a wrong verifier is refused (the fake really checks S256)", async () => {
    const { flow, fake: f } = setup("anthropic", { format: "json" });
    const a = await authorize(flow, f);
    const other = await createPkce();
    await expect(flow.exchange({ ...a, pkce: other }, fetch)).rejects.toBeInstanceOf(AuthError);
  });

  test("anthropic-console: creates an API key with the new access token", async () => {
    const { flow, fake: f } = setup("anthropic-console", { format: "json" });
    const grant = await flow.exchange(await authorize(flow, f), fetch);
    expect(grant.api_key).toMatch(/^fake-console-key-/);
    const call = f.requests.find((r) => r.path.endsWith("/create_api_key"))!;
    expect(call.authorization).toBe(`Bearer ${grant.access_token}`);
    expect(call.userAgent).toMatch(/^axios\//);
    expect(f.requests.every((r) => r.userAgent?.startsWith("axios/"))).toBe(true);
  });

  test("openai: form-encoded exchange and refresh, account id from the claims, loopback redirect", async () => {
    const { flow, fake: f } = setup("openai", { format: "form", accountId: "acct-123" });
    expect(flow.callback).toEqual({ port: 1455, path: "/auth/callback", host: "localhost" });
    expect(flow.redirectUri()).toBe("http://localhost:1455/auth/callback");
    const a = await authorize(flow, f);
    const q = new URL(flow.authorizeUrl(a.pkce, a.state, a.redirectUri)).searchParams;
    expect(q.get("originator")).toBe("codex_cli_rs");
    expect(q.get("codex_cli_simplified_flow")).toBe("true");
    const grant = await flow.exchange(a, fetch);
    expect(grant.account_id).toBe("acct-123");
    expect(f.requests.at(-1)!.contentType).toContain("application/x-www-form-urlencoded");
    expect(f.requests.at(-1)!.body.code_verifier).toBe(a.pkce.verifier);
    const refreshed = await flow.refresh(stored(grant, "openai"), fetch);
    expect(refreshed.account_id).toBe("acct-123");
    expect(f.requests.at(-1)!.body).toEqual({
      grant_type: "refresh_token",
      refresh_token: grant.refresh_token,
      client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
    });
  });

  test("google: form exchange with client secret, project from loadCodeAssist", async () => {
    const { flow, fake: f } = setup("google", { format: "form", codeAssistProject: "able-fox-a1b2c", rotate: false });
    expect(flow.redirectUri(4242)).toBe("http://127.0.0.1:4242/oauth2callback");
    const a = await authorize(flow, f, 4242);
    const q = new URL(flow.authorizeUrl(a.pkce, a.state, a.redirectUri)).searchParams;
    expect(q.get("access_type")).toBe("offline");
    expect(q.get("prompt")).toBe("consent");
    const grant = await flow.exchange(a, fetch);
    expect(grant.project_id).toBe("able-fox-a1b2c");
    const exchange = f.requests.find((r) => r.body.grant_type === "authorization_code")!;
    expect(exchange.contentType).toContain("application/x-www-form-urlencoded");
    expect(exchange.body.client_secret).toBeString();
    const load = f.requests.find((r) => r.path.endsWith(":loadCodeAssist"))!;
    expect(load.body).toMatchObject({ metadata: { ideType: "IDE_UNSPECIFIED", pluginType: "GEMINI" } });
    const refreshed = await flow.refresh(stored(grant, "google"), fetch);
    expect(refreshed.refresh_token).toBe(grant.refresh_token); // Google keeps it
    expect(refreshed.project_id).toBe("able-fox-a1b2c");
  });

  test("google: a Standard licensee without a tier yet is onboarded with their project, polling the operation", async () => {
    const { flow, fake: f } = setup("google", { format: "form", onboardPending: 2, onboardProject: "fresh-proj" });
    const grant = await flow.exchange(await authorize(flow, f, 1), fetch);
    expect(grant.project_id).toBe("fresh-proj");
    const onboard = f.requests.find((r) => r.path.endsWith(":onboardUser"))!;
    expect(onboard.body).toMatchObject({ tierId: "standard-tier", cloudaicompanionProject: "my-gcp-project" });
    expect(f.requests.filter((r) => r.path.includes("/v1internal/operations/")).length).toBe(2);
  });

  test("google: no project named fails before any Code Assist call", async () => {
    const { flow, fake: f } = setup("google", { format: "form", codeAssistProject: "p" }, {});
    const err = await flow.exchange(await authorize(flow, f, 1), fetch).catch((e) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toContain("GOOGLE_CLOUD_PROJECT");
    expect(err.message).toContain("--project");
    expect(f.requests.some((r) => r.path.includes("v1internal"))).toBe(false);
  });

  test("google: a consumer tier (free, Google One) is refused, naming the alternatives", async () => {
    for (const options of [
      { codeAssistProject: "p", codeAssistTier: "free-tier" },
      { codeAssistLoad: { allowedTiers: [{ id: "free-tier", isDefault: true }] } },
      { codeAssistLoad: { currentTier: { id: "g1-pro-tier" }, cloudaicompanionProject: "p" } },
    ]) {
      const { flow, fake: f } = setup("google", { format: "form", ...options });
      const err = await flow.exchange(await authorize(flow, f, 1), fetch).catch((e) => e);
      expect(err).toBeInstanceOf(AuthError);
      expect(err.message).toContain("Gemini API key or Vertex AI");
      expect(f.requests.some((r) => r.path.endsWith(":onboardUser"))).toBe(false);
      f.stop();
    }
  });

  test("google: VALIDATION_REQUIRED fails and prints the validation URL", async () => {
    const url = "https://accounts.google.com/signin/continue?sarp=1&scc=1";
    const { flow, fake: f } = setup("google", {
      format: "form",
      codeAssistLoad: {
        ineligibleTiers: [
          { reasonCode: "VALIDATION_REQUIRED", reasonMessage: "Verify your account", validationUrl: url },
        ],
      },
    });
    const err = await flow.exchange(await authorize(flow, f, 1), fetch).catch((e) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toContain("VALIDATION_REQUIRED");
    expect(err.message).toContain(url);
  });

  test("refresh failure is an AuthError with the provider's reason", async () => {
    const { flow, fake: f } = setup("openai", { format: "form" });
    const err = await flow
      .refresh(stored({ access_token: "a", refresh_token: "unknown", expires_at: "x" }, "openai"), fetch)
      .catch((e) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toContain("invalid_grant");
    expect(f.tokenCalls.refresh_token).toBe(1);
  });
});

describe("anthropic-console key creation failures", () => {
  test("a 404 says what to do instead", async () => {
    const { apiKeyFailure } = await import("../../src/auth/flows/anthropic-console.ts");
    const message = apiKeyFailure(404);
    expect(message).toStartWith("Creating an API key failed: 404");
    expect(message).toContain("console.anthropic.com/settings/keys");
    expect(message).toContain("ccmux auth login anthropic");
  });
});
