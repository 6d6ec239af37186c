// What ccmux sends upstream, byte for byte up to normalisation (helpers/wire-recorder.ts), for each
// subscription kind and each Anthropic-compatible preset: ccmux's real adapters, real token store
// and real ADC source point at one loopback recorder, and every request it receives must match
// test/fixtures/wire/<case>.json. test/fixtures/wire/README.md says what each field was checked
// against. After an intended change: UPDATE_WIRE_FIXTURES=1 bun test test/integration/wire-golden.test.ts
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { createFlowRegistry } from "../../src/auth/flows/index.ts";
import { oauthSourceFactory } from "../../src/auth/refresh.ts";
import { createTokenStore } from "../../src/auth/store.ts";
import type { StoredToken } from "../../src/auth/types.ts";
import type { ProviderConfig } from "../../src/config/types.ts";
import { runtime } from "../../src/runtime/index.ts";
import { writeServiceAccount } from "../helpers/fake-google-token.ts";
import { json, sse, startFakeUpstream, type FakeUpstream, type RecordedRequest } from "../helpers/fake-upstream.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { readFixture, readFixtureJson } from "../helpers/sse.ts";
import { fakeJwt } from "../helpers/translated-upstreams.ts";
import { expectGoldenWire, wireRecord, type Volatile } from "../helpers/wire-recorder.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let rec: FakeUpstream;
let ccmux: InProcessServer;

const HOUR_AHEAD = () => new Date(Date.now() + 3_600_000).toISOString();
const CODEX_ACCESS = fakeJwt({ "https://api.openai.com/auth": { chatgpt_account_id: "acct-fake-wire" } });

const TOKENS: StoredToken[] = [
  {
    provider_id: "claude-max",
    kind: "anthropic",
    access_token: "fake-claude-access",
    refresh_token: "fake-claude-refresh",
    expires_at: "",
  },
  {
    provider_id: "claude-stale",
    kind: "anthropic",
    access_token: "fake-claude-stale",
    refresh_token: "fake-claude-stale-refresh",
    expires_at: "2026-01-01T00:00:00Z",
  },
  {
    provider_id: "chatgpt",
    kind: "openai",
    access_token: CODEX_ACCESS,
    refresh_token: "fake-codex-refresh",
    expires_at: "",
  },
  {
    provider_id: "google",
    kind: "google",
    access_token: "ya29.fake-code-assist",
    refresh_token: "fake-google-refresh",
    expires_at: "",
    project_id: "fake-assist-proj",
  },
];

/** The recorder answers each kind of call with a real-shaped reply from the protocol fixtures. */
function answer(req: RecordedRequest) {
  const path = req.path;
  if (path.includes("/token"))
    return json({
      access_token: "fake-refreshed-access",
      refresh_token: "fake-rotated-refresh",
      expires_in: 3600,
      token_type: "Bearer",
    });
  if (path.includes("count_tokens")) return json({ input_tokens: 12 });
  if (path.includes("/responses")) return sse(readFixture("responses/stream-text-and-tool.sse"));
  if (path.includes(":streamGenerateContent"))
    return sse(readFixture(path.includes("v1internal") ? "gemini/code-assist-stream.sse" : "gemini/stream-text.sse"));
  if (req.json().stream === true) return sse(readFixture("anthropic/stream-text.sse"));
  return json(readFixtureJson("anthropic/response-tool-use.json"));
}

const oauth = (name: string, type: string, tokenId: string, extra: Partial<ProviderConfig> = {}) =>
  provider(name, "https://unused.invalid", {
    provider_type: type,
    auth_type: "oauth",
    oauth_provider: tokenId,
    api_key: undefined,
    base_url: undefined,
    ...extra,
  });

const PRESETS = {
  "z.ai": ["/api/anthropic", "glm-4.6"],
  minimax: ["/anthropic", "MiniMax-M2"],
  "kimi-coding": ["/coding", "kimi-for-coding"],
  zenmux: ["/api/anthropic", "anthropic/claude-sonnet-4.5"],
} as const;

beforeAll(async () => {
  rec = await startFakeUpstream();
  rec.setDefault(answer);
  const dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "wire-golden-"));
  const store = createTokenStore({ path: join(dir, "oauth_tokens.json"), runtime });
  for (const t of TOKENS) await store.set({ ...t, expires_at: t.expires_at || HOUR_AHEAD() });
  const account = await writeServiceAccount(dir);
  const env = {
    CCMUX_CODEX_BASE_URL: `${rec.url}/backend-api/codex`,
    CCMUX_CODE_ASSIST_BASE_URL: `${rec.url}/code-assist`,
    CCMUX_OAUTH_ANTHROPIC_TOKEN_URL: `${rec.url}/anthropic-oauth/token`,
    GOOGLE_APPLICATION_CREDENTIALS: account.path,
    CCMUX_GOOGLE_TOKEN_URL: `${rec.url}/google-oauth/token`,
  };
  const flows = createFlowRegistry({ env });
  const vertex = (name: string) =>
    provider(name, `${rec.url}/vertex/v1`, {
      provider_type: "vertex-ai",
      auth_type: "adc",
      api_key: undefined,
      project_id: "fake-vertex-proj",
      location: "us-east5",
    });
  const presets = Object.entries(PRESETS).map(([type, [path]]) =>
    provider(type, `${rec.url}/${type}${path}`, { provider_type: type, api_key: `fake-${type}-key` }),
  );
  const config = testConfig({
    providers: [
      oauth("claude-max", "anthropic", "claude-max"),
      oauth("claude-stale", "anthropic", "claude-stale"),
      oauth("codex", "openai", "chatgpt"),
      oauth("code-assist", "gemini", "google"),
      vertex("vertex-claude"),
      vertex("vertex-gemini"),
      ...presets,
    ].map((p) =>
      p.base_url === undefined && p.provider_type === "anthropic" ? { ...p, base_url: `${rec.url}/claude` } : p,
    ),
    models: [
      model("claude-max", ["claude-max", "claude-sonnet-4-6"]),
      model("stale-max", ["claude-stale", "claude-sonnet-4-6"]),
      model("codex", ["codex", "gpt-5.1-codex"]),
      model("code-assist", ["code-assist", "gemini-2.5-pro"]),
      model("vertex-claude", ["vertex-claude", "claude-sonnet-4-5@20250929"]),
      model("vertex-gemini", ["vertex-gemini", "gemini-2.5-pro"]),
      ...Object.entries(PRESETS).map(([type, [, actual]]) => model(type, [type, actual])),
    ],
  });
  ccmux = await startInProcess(config, {
    env,
    auth: { store, flows, credentials: oauthSourceFactory({ store, flows, fetch: (i, init) => fetch(i, init) }) },
  });
});

afterAll(async () => {
  await ccmux.stop();
  await rec.stop();
});

afterEach(() => rec.clear());

/** Claude Code's own request (the protocol fixture's headers and main-turn body) for `modelName`. */
function claudeCodeTurn(modelName: string): RequestInit {
  const { headers } = readFixtureJson("anthropic/request-claude-code.headers.json") as {
    headers: Record<string, string>;
  };
  const body = readFixtureJson("anthropic/request-claude-code.json") as Record<string, unknown>;
  return { method: "POST", headers, body: JSON.stringify({ ...body, model: modelName }) };
}

/** Sends, reads the whole answer, and checks every request the recorder got against the golden file. */
async function expectWire(name: string, path: string, init: RequestInit, volatile: Volatile = {}, skip?: RegExp) {
  const res = await fetch(`${ccmux.url}${path}`, init);
  const text = await res.text();
  expect({ status: res.status, text: res.status === 200 ? "" : text }).toEqual({ status: 200, text: "" });
  const kept = rec.requests.filter((r) => !skip?.test(r.path));
  expectGoldenWire(
    name,
    kept.map((r) => wireRecord(r, volatile)),
  );
}

describe("Claude Pro/Max (OAuth)", () => {
  test("Claude Code's turn keeps ?beta=true, its identifying headers and its beta order", () =>
    expectWire("claude-oauth.claude-code", "/v1/messages?beta=true", claudeCodeTurn("claude-max")));

  test("a Claude Code subagent in a remote container keeps its agent, remote and protection headers", () => {
    const init = claudeCodeTurn("claude-max");
    const headers = {
      ...(init.headers as Record<string, string>),
      "x-claude-code-agent-id": "agent-fake-child",
      "x-claude-code-parent-agent-id": "agent-fake-parent",
      "x-claude-remote-container-id": "container-fake-1",
      "x-claude-remote-session-id": "remote-session-fake-1",
      "x-anthropic-additional-protection": "true",
      "x-client-request-id": "6c1f0d2e-fake-request",
    };
    return expectWire("claude-oauth.claude-code-subagent", "/v1/messages?beta=true", { ...init, headers });
  });

  test("Claude Code's count_tokens keeps ?beta=true", () => {
    const init = claudeCodeTurn("claude-max");
    const body = { model: "claude-max", messages: [{ role: "user", content: "hi" }] };
    return expectWire("claude-oauth.count-tokens", "/v1/messages/count_tokens?beta=true", {
      ...init,
      body: JSON.stringify(body),
    });
  });

  test("another client (curl on the OpenAI route) gains the marker set, its tool is renamed", () =>
    expectWire("claude-oauth.other-client", "/v1/chat/completions", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer fake-client-key",
        "user-agent": "curl/8.5.0",
      },
      body: JSON.stringify({
        model: "claude-max",
        max_tokens: 256,
        messages: [{ role: "user", content: "Weather in Lyon?" }],
        tools: [
          {
            type: "function",
            function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
          },
        ],
      }),
    }));

  test("an expired token is refreshed at the token endpoint with the native client's headers first", () =>
    expectWire("claude-oauth.refresh", "/v1/messages?beta=true", claudeCodeTurn("stale-max")));
});

describe("translated subscriptions", () => {
  test("ChatGPT (Codex Responses endpoint)", () =>
    expectWire("codex", "/v1/messages?beta=true", claudeCodeTurn("codex")));

  test("Gemini Code Assist (Login with Google)", () =>
    expectWire("code-assist", "/v1/messages?beta=true", claudeCodeTurn("code-assist"), {
      bodyFields: ["user_prompt_id"],
    }));
});

describe("Vertex AI", () => {
  test("Claude: service-account exchange, then rawPredict with only the betas and fields Vertex accepts", () =>
    expectWire("vertex-claude", "/v1/messages?beta=true", claudeCodeTurn("vertex-claude"), {
      bodyFields: ["assertion"],
    }));

  // The ADC token is shared by every Vertex provider (the Claude case above shows its exchange).
  test("Gemini: generateContent", () =>
    expectWire("vertex-gemini", "/v1/messages?beta=true", claudeCodeTurn("vertex-gemini"), {}, /google-oauth/));
});

describe("Anthropic-compatible presets", () => {
  for (const preset of Object.keys(PRESETS))
    test(`${preset} gets Claude Code's user agent and only the betas and fields it accepts`, () =>
      expectWire(`preset.${preset}`, "/v1/messages?beta=true", claudeCodeTurn(preset)));

  // Kimi For Coding refuses clients that are not coding agents, by user agent.
  test("kimi-coding from another client (curl on the OpenAI route) gets Claude Code's user agent", () =>
    expectWire("preset.kimi-coding.other-client", "/v1/chat/completions", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer fake-client-key",
        "user-agent": "curl/8.5.0",
      },
      body: JSON.stringify({ model: "kimi-coding", max_tokens: 64, messages: [{ role: "user", content: "hi" }] }),
    }));
});
