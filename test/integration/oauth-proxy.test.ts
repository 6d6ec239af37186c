import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { createFlowRegistry } from "../../src/auth/flows/index.ts";
import { oauthSourceFactory } from "../../src/auth/refresh.ts";
import { createTokenStore } from "../../src/auth/store.ts";
import type { TokenStore } from "../../src/auth/types.ts";
import { runtime } from "../../src/runtime/index.ts";
import { json, sse, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { startFakeOAuth, type FakeOAuth } from "../helpers/fake-oauth.ts";
import { readFixture, splitSseEvents } from "../helpers/sse.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const OK = {
  id: "msg_1",
  type: "message",
  role: "assistant",
  model: "m",
  content: [{ type: "text", text: "ok" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 1, output_tokens: 1 },
};
const IDENTITY = "You are Claude Code, Anthropic's official CLI for Claude.";

let oauth: FakeOAuth;
let up: FakeUpstream;
let store: TokenStore;
let ccmux: InProcessServer;

async function seedToken(expiresInMs: number, access = "stale-access") {
  const refresh = `seed-refresh-${Math.random()}`;
  oauth.seedRefreshToken(refresh);
  await store.set({
    provider_id: "claude-max",
    kind: "anthropic",
    access_token: access,
    refresh_token: refresh,
    expires_at: new Date(Date.now() + expiresInMs).toISOString(),
  });
}

beforeAll(async () => {
  oauth = startFakeOAuth({ format: "json", tokenDelayMs: 50 });
  up = await startFakeUpstream();
  const dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "oauth-proxy-"));
  store = createTokenStore({ path: join(dir, "oauth_tokens.json"), runtime });
  const env = { CCMUX_OAUTH_ANTHROPIC_TOKEN_URL: `${oauth.url}/v1/oauth/token` };
  const flows = createFlowRegistry({ env });
  const fetchFn = (i: string | URL | Request, init?: RequestInit) => fetch(i, init);
  const config = testConfig({
    providers: [
      provider("claude-max", up.url, { auth_type: "oauth", oauth_provider: "claude-max", api_key: undefined }),
    ],
    models: [model("sonnet", ["claude-max", "claude-sonnet-4-6"])],
  });
  ccmux = await startInProcess(config, {
    auth: { store, flows, credentials: oauthSourceFactory({ store, flows, fetch: fetchFn }) },
  });
});

afterAll(async () => {
  await ccmux.stop();
  await up.stop();
  oauth.stop();
});

afterEach(() => up.clear());

const client = () => new Anthropic({ baseURL: ccmux.url, apiKey: "client-key", maxRetries: 0 });

describe("Claude Pro/Max through OAuth", () => {
  test("a streamed request carries Bearer, the oauth beta and the identity block; no x-api-key", async () => {
    await seedToken(3_600_000, "good-access");
    up.reply(sse(splitSseEvents(readFixture("anthropic/stream-text.sse"))));
    const final = await client()
      .messages.stream(
        {
          model: "claude-sonnet-4-6",
          max_tokens: 10,
          system: "Be brief.",
          messages: [{ role: "user", content: "hi" }],
        },
        { headers: { "anthropic-beta": "interleaved-thinking-2025-05-14" } },
      )
      .finalMessage();
    expect(final.stop_reason).toBe("end_turn");
    const sent = up.requests[0]!;
    expect(sent.headers.authorization).toBe("Bearer good-access");
    expect(sent.headers["x-api-key"]).toBeUndefined();
    expect(sent.path).toBe("/v1/messages?beta=true");
    expect(sent.headers["anthropic-beta"]!.split(",")).toEqual([
      "claude-code-20250219",
      "oauth-2025-04-20",
      "interleaved-thinking-2025-05-14",
    ]);
    expect(sent.headers["user-agent"]).toMatch(/^claude-cli\/\d+\.\d+\.\d+ \(external, cli\)$/);
    expect(sent.headers["x-app"]).toBe("cli");
    expect(sent.json().system).toEqual([
      { type: "text", text: IDENTITY },
      { type: "text", text: "Be brief." },
    ]);
  });

  test("the identity block is not added twice when Claude Code already sent it", async () => {
    await seedToken(3_600_000, "good-access");
    up.reply(json(OK));
    const system = [
      { type: "text" as const, text: "x-anthropic-billing-header: cc_version=1" },
      { type: "text" as const, text: IDENTITY },
      { type: "text" as const, text: "main" },
    ];
    await client().messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 10,
      system,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(up.requests[0]!.json().system).toEqual(system);
  });

  test("a token that expires within 5 minutes is refreshed once for 50 concurrent requests", async () => {
    await seedToken(60_000);
    const before = oauth.tokenCalls.refresh_token;
    up.setDefault(json(OK));
    const c = client();
    const all = await Promise.all(
      Array.from({ length: 50 }, () =>
        c.messages.create({ model: "claude-sonnet-4-6", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
      ),
    );
    up.setDefault(status(404, "unscripted"));
    expect(all.length).toBe(50);
    expect(oauth.tokenCalls.refresh_token - before).toBe(1);
    const auths = new Set(up.requests.map((r) => r.headers.authorization));
    expect(auths.size).toBe(1);
    const fresh = store.get("claude-max")!;
    expect([...auths][0]).toBe(`Bearer ${fresh.access_token}`);
    expect(oauth.accessTokens.has(fresh.access_token)).toBe(true);
    expect(await runtime.fileMode(store.path)).toBe(0o600);
  });

  test("an upstream 401 refreshes the token and retries once", async () => {
    await seedToken(3_600_000, "revoked-access");
    const before = oauth.tokenCalls.refresh_token;
    up.reply(status(401, { type: "error", error: { type: "authentication_error", message: "invalid bearer" } }));
    up.reply(json(OK));
    const msg = await client().messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 5,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(msg.id).toBe("msg_1");
    expect(oauth.tokenCalls.refresh_token - before).toBe(1);
    expect(up.requests[0]!.headers.authorization).toBe("Bearer revoked-access");
    expect(up.requests[1]!.headers.authorization).toBe(`Bearer ${store.get("claude-max")!.access_token}`);
  });

  test("a failed refresh fails the mapping with a message telling the user to log in again", async () => {
    await seedToken(1_000);
    oauth.failRefresh = true;
    try {
      const err = await client()
        .messages.create({ model: "claude-sonnet-4-6", max_tokens: 5, messages: [{ role: "user", content: "hi" }] })
        .catch((e) => e);
      expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
      expect(err.error.error.message).toContain("ccmux auth login anthropic --id claude-max");
      expect(up.requests.length).toBe(0);
    } finally {
      oauth.failRefresh = false;
    }
  });
});
