import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { createOAuthAdmin } from "../../src/auth/admin.ts";
import { createFlowRegistry } from "../../src/auth/flows/index.ts";
import { createTokenStore } from "../../src/auth/store.ts";
import { runtime } from "../../src/runtime/index.ts";
import { RequestError } from "../../src/util/errors.ts";
import { startFakeOAuth, type FakeOAuth } from "../helpers/fake-oauth.ts";

let fake: FakeOAuth | undefined;
afterEach(() => fake?.stop());

function setup(format: "json" | "form" = "json") {
  fake = startFakeOAuth({ format, accountId: format === "form" ? "acct" : undefined });
  const env = {
    CCMUX_OAUTH_ANTHROPIC_AUTHORIZE_URL: `${fake.url}/authorize`,
    CCMUX_OAUTH_ANTHROPIC_TOKEN_URL: `${fake.url}/v1/oauth/token`,
    CCMUX_OAUTH_OPENAI_AUTHORIZE_URL: `${fake.url}/authorize`,
    CCMUX_OAUTH_OPENAI_TOKEN_URL: `${fake.url}/oauth/token`,
  };
  const store = createTokenStore({
    path: join(mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "admin-")), "oauth_tokens.json"),
    runtime,
  });
  const admin = createOAuthAdmin({ store, flows: createFlowRegistry({ env }), fetch, port: 13456 });
  return { admin, store, fake };
}

const SECRET_KEYS = /"(verifier|code_verifier|access_token|refresh_token|api_key|id_token)"/;

describe("admin oauth handlers", () => {
  test("authorize → exchange (code#state) → list → refresh → delete, never exposing secrets", async () => {
    const { admin, store, fake: f } = setup();
    const auth = await admin.authorize({ oauth_type: "max" });
    expect(auth.oauth_type).toBe("anthropic");
    expect(JSON.stringify(auth)).not.toMatch(SECRET_KEYS);
    const { pasted } = await f.authorize(auth.url);
    const exchanged = await admin.exchange({ code: pasted, provider_id: "claude-max" });
    expect(exchanged).toMatchObject({ success: true, provider_id: "claude-max" });
    expect(store.get("claude-max")?.kind).toBe("anthropic");
    const list = await admin.listTokens();
    expect(list.map((t) => t.provider_id)).toEqual(["claude-max"]);
    expect(JSON.stringify(list)).not.toMatch(SECRET_KEYS);
    expect(JSON.stringify(list)).not.toContain(store.get("claude-max")!.access_token);
    const refreshed = await admin.refreshToken({ provider_id: "claude-max" });
    expect(JSON.stringify(refreshed)).not.toContain(store.get("claude-max")!.access_token);
    expect(f.tokenCalls.refresh_token).toBe(1);
    expect(await admin.deleteToken({ provider_id: "claude-max" })).toMatchObject({ success: true, deleted: true });
    expect(await admin.listTokens()).toEqual([]);
  });

  test("a code is only accepted once and only for a state that was issued", async () => {
    const { admin, fake: f } = setup();
    const auth = await admin.authorize({});
    const { pasted } = await f.authorize(auth.url);
    await expect(admin.exchange({ code: `${pasted!.split("#")[0]}#forged`, provider_id: "x" })).rejects.toBeInstanceOf(
      RequestError,
    );
    await admin.exchange({ code: pasted, provider_id: "x" });
    await expect(admin.exchange({ code: pasted, provider_id: "x" })).rejects.toThrow("Unknown or expired");
    await expect(admin.authorize({ oauth_type: "bogus" })).rejects.toThrow("Invalid oauth_type");
  });

  test("the callback page finishes a login that named its provider_id; pages are escaped", async () => {
    const { admin, store, fake: f } = setup("form");
    const auth = await admin.authorize({ oauth_type: "openai-codex", provider_id: "chatgpt" });
    const { redirect } = await f.authorize(auth.url);
    const page = await admin.callbackPage(new URL(redirect!));
    expect(page.status).toBe(200);
    expect(store.get("chatgpt")?.account_id).toBe("acct");
    const evil = new URL(`http://localhost:1455/auth/callback?state=${auth.state}&error=<script>alert(1)</script>`);
    const bad = await admin.callbackPage(evil);
    expect(bad.html).not.toContain("<script>");
    const unknown = await admin.callbackPage(new URL("http://localhost/auth/callback?code=<b>x</b>&state=nope"));
    expect(unknown.status).toBe(400);
    expect(unknown.html).not.toContain("<b>");
  });

  test("google redirects to the serve port", async () => {
    const { admin } = setup();
    const auth = await admin.authorize({ oauth_type: "gemini" });
    expect(new URL(auth.url).searchParams.get("redirect_uri")).toBe("http://127.0.0.1:13456/oauth2callback");
  });
});
