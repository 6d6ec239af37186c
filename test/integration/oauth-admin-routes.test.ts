import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createFlowRegistry } from "../../src/auth/flows/index.ts";
import { oauthSourceFactory } from "../../src/auth/refresh.ts";
import { createTokenStore } from "../../src/auth/store.ts";
import { runtime } from "../../src/runtime/index.ts";
import { startFakeOAuth, type FakeOAuth } from "../helpers/fake-oauth.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let oauth: FakeOAuth;
let ccmux: InProcessServer;
let tokenPath: string;

beforeAll(async () => {
  oauth = startFakeOAuth({ format: "json" });
  tokenPath = join(mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "oauth-admin-")), "oauth_tokens.json");
  const store = createTokenStore({ path: tokenPath, runtime });
  const flows = createFlowRegistry({
    env: {
      CCMUX_OAUTH_ANTHROPIC_AUTHORIZE_URL: `${oauth.url}/oauth/authorize`,
      CCMUX_OAUTH_ANTHROPIC_TOKEN_URL: `${oauth.url}/v1/oauth/token`,
    },
  });
  const fetchFn = (i: string | URL | Request, init?: RequestInit) => fetch(i, init);
  ccmux = await startInProcess(
    testConfig({ providers: [provider("p", "http://127.0.0.1:9")], models: [model("m", ["p", "x"])] }),
    {
      auth: { store, flows, credentials: oauthSourceFactory({ store, flows, fetch: fetchFn }) },
    },
  );
});

afterAll(async () => {
  await ccmux.stop();
  oauth.stop();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${ccmux.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("OAuth admin routes", () => {
  test("authorize → exchange → tokens → refresh → delete, with no secret in any response", async () => {
    const auth = await (await post("/api/oauth/authorize", { oauth_type: "max" })).json();
    expect(auth.url).toStartWith(`${oauth.url}/oauth/authorize`);
    expect(auth.verifier).toBeUndefined();
    expect(new URL(auth.url).searchParams.get("state")).toBe(auth.state);
    const { pasted } = await oauth.authorize(auth.url);
    const ex = await post("/api/oauth/exchange", { code: pasted, provider_id: "claude-max" });
    const exBody = await ex.text();
    expect(ex.status).toBe(200);
    const stored = JSON.parse(readFileSync(tokenPath, "utf8"))["claude-max"];
    const secrets = [stored.access_token, stored.refresh_token];
    const list = await (await fetch(`${ccmux.url}/api/oauth/tokens`)).text();
    const refreshed = await (await post("/api/oauth/tokens/refresh", { provider_id: "claude-max" })).text();
    const after = JSON.parse(readFileSync(tokenPath, "utf8"))["claude-max"];
    secrets.push(after.access_token, after.refresh_token);
    for (const body of [JSON.stringify(auth), exBody, list, refreshed])
      for (const s of secrets) expect(body).not.toContain(s);
    expect(JSON.parse(list)[0]).toMatchObject({ provider_id: "claude-max" });
    expect(after.access_token).not.toBe(stored.access_token);
    const del = await (await post("/api/oauth/tokens/delete", { provider_id: "claude-max" })).json();
    expect(del.success).toBe(true);
    expect(JSON.parse(readFileSync(tokenPath, "utf8"))["claude-max"]).toBeUndefined();
  });

  test("a wrong state is refused", async () => {
    await post("/api/oauth/authorize", { oauth_type: "max" });
    const res = await post("/api/oauth/exchange", { code: "abc#not-the-state", provider_id: "x" });
    expect(res.status).toBe(400);
  });

  test("callback pages escape what they echo", async () => {
    const { state } = await (await post("/api/oauth/authorize", { oauth_type: "max" })).json();
    const res = await fetch(
      `${ccmux.url}/auth/callback?state=${state}&error=${encodeURIComponent("<script>alert(1)</script>")}&error_description=${encodeURIComponent("<img src=x onerror=alert(1)>")}`,
    );
    const html = await res.text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;script&gt;");
  });

  test("another Host or a cross-site Origin is refused", async () => {
    const port = new URL(ccmux.url).port;
    const evil = await fetch(`${ccmux.url}/api/oauth/tokens`, { headers: { host: `evil.example:${port}` } });
    expect(evil.status).toBe(403);
    const cross = await post("/api/oauth/authorize", {}, { origin: "https://evil.example" });
    expect(cross.status).toBe(403);
    const cb = await fetch(`${ccmux.url}/auth/callback?code=x&state=y`, {
      headers: { host: `rebind.example:${port}` },
    });
    expect(cb.status).toBe(403);
  });
});
