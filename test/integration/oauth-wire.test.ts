import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import { createFlowRegistry } from "../../src/auth/flows/index.ts";
import { oauthSourceFactory } from "../../src/auth/refresh.ts";
import { createTokenStore } from "../../src/auth/store.ts";
import { runtime } from "../../src/runtime/index.ts";
import { json, sse, startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { readFixture, readFixtureJson, splitSseEvents } from "../helpers/sse.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let up: FakeUpstream;
let ccmux: InProcessServer;

beforeAll(async () => {
  up = await startFakeUpstream();
  const dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "oauth-wire-"));
  const store = createTokenStore({ path: join(dir, "oauth_tokens.json"), runtime });
  await store.set({
    provider_id: "claude-max",
    kind: "anthropic",
    access_token: "wire-access",
    refresh_token: "wire-refresh",
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
  });
  const flows = createFlowRegistry({ env: {} });
  const fetchFn = (i: string | URL | Request, init?: RequestInit) => fetch(i, init);
  const config = testConfig({
    providers: [
      provider("claude-max", up.url, { auth_type: "oauth", oauth_provider: "claude-max", api_key: undefined }),
      provider("claude-key", up.url),
    ],
    models: [model("sonnet", ["claude-max", "claude-sonnet-4-6"]), model("keyed", ["claude-key", "claude-sonnet-4-6"])],
  });
  ccmux = await startInProcess(config, {
    auth: { store, flows, credentials: oauthSourceFactory({ store, flows, fetch: fetchFn }) },
  });
});

afterAll(async () => {
  await ccmux.stop();
  await up.stop();
});

afterEach(() => up.clear());

const claudeCodeHeaders = (): Record<string, string> => {
  const { headers } = readFixtureJson("anthropic/request-claude-code.headers.json") as {
    headers: Record<string, string>;
  };
  const { "x-api-key": _key, ...rest } = headers;
  return { ...rest, "x-api-key": "client-key" };
};

/** The upstream's tool_use answer, for a tool the upstream knows under `name`. */
function toolUseAnswer(name: string) {
  const answer = readFixtureJson("anthropic/response-tool-use.json") as { content: { type: string; name?: string }[] };
  return { ...answer, content: answer.content.map((b) => (b.type === "tool_use" ? { ...b, name } : b)) };
}

describe("the OAuth request on the wire", () => {
  test("a Claude Code request keeps ?beta=true, its identifying headers and its beta order", async () => {
    up.reply(json(toolUseAnswer("Grep")));
    const body = readFixture("anthropic/request-claude-code.json");
    const parsed = JSON.parse(body) as { stream?: boolean };
    const res = await fetch(`${ccmux.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: claudeCodeHeaders(),
      body: JSON.stringify({ ...parsed, model: "sonnet", stream: false }),
    });
    expect(res.status).toBe(200);
    const sent = up.requests[0]!;
    const cc = claudeCodeHeaders();
    expect(sent.path).toBe("/v1/messages?beta=true");
    expect(sent.headers.authorization).toBe("Bearer wire-access");
    expect(sent.headers["x-api-key"]).toBeUndefined();
    for (const name of ["user-agent", "x-app", "x-claude-code-session-id", "anthropic-dangerous-direct-browser-access"])
      expect(sent.headers[name]).toBe(cc[name]!);
    for (const name of Object.keys(cc).filter((n) => n.startsWith("x-stainless-")))
      expect(sent.headers[name]).toBe(cc[name]!);
    expect(sent.headers["anthropic-beta"]!.split(",").slice(0, 3)).toEqual([
      "claude-code-20250219",
      "oauth-2025-04-20",
      "interleaved-thinking-2025-05-14",
    ]);
  });

  // Set by Claude Code from its environment (remote containers, the Agent SDK) and on subagent calls;
  // src/catalog/wire-profiles.ts says where each was checked.
  const CONDITIONAL_HEADERS = {
    "x-claude-remote-container-id": "container-fake-1",
    "x-claude-remote-session-id": "remote-session-fake-1",
    "x-anthropic-additional-protection": "true",
    "x-client-request-id": "6c1f0d2e-fake-request",
    "x-claude-code-agent-id": "agent-fake-child",
    "x-claude-code-parent-agent-id": "agent-fake-parent",
    "x-client-app": "fake-sdk-app",
    "x-stainless-helper": "BetaToolRunner",
  };

  const sendClaudeCode = (modelName: string) => {
    up.reply(json(toolUseAnswer("Grep")));
    return fetch(`${ccmux.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: { ...claudeCodeHeaders(), ...CONDITIONAL_HEADERS },
      body: JSON.stringify({ model: modelName, max_tokens: 64, messages: [{ role: "user", content: "hi" }] }),
    });
  };

  test("Claude Code's remote, agent and protection headers are relayed on OAuth", async () => {
    expect((await sendClaudeCode("sonnet")).status).toBe(200);
    const sent = up.requests[0]!.headers;
    for (const [name, value] of Object.entries(CONDITIONAL_HEADERS)) expect([name, sent[name]]).toEqual([name, value]);
  });

  test("an API-key provider relays none of them", async () => {
    expect((await sendClaudeCode("keyed")).status).toBe(200);
    const sent = up.requests[0]!.headers;
    expect(sent["x-api-key"]).toBe("test-key-claude-key");
    for (const name of Object.keys(CONDITIONAL_HEADERS)) expect([name, sent[name]]).toEqual([name, undefined]);
  });

  test("count_tokens keeps ?beta=true too", async () => {
    up.reply(json({ input_tokens: 12 }));
    const res = await fetch(`${ccmux.url}/v1/messages/count_tokens?beta=true`, {
      method: "POST",
      headers: claudeCodeHeaders(),
      body: JSON.stringify({ model: "sonnet", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    expect(up.requests[0]!.path).toBe("/v1/messages/count_tokens?beta=true");
  });

  test("an OpenAI client gains the marker set; its tool names round-trip (JSON and stream)", async () => {
    const client = new OpenAI({ baseURL: `${ccmux.url}/v1`, apiKey: "k", maxRetries: 0 });
    const tools: OpenAI.Chat.ChatCompletionTool[] = [
      { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: {} } } },
    ];
    up.reply(json(toolUseAnswer("mcp__ccmux__get_weather")));
    const done = await client.chat.completions.create({
      model: "sonnet",
      messages: [{ role: "user", content: "weather?" }],
      tools,
    });
    const call = done.choices[0]!.message.tool_calls![0] as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
    expect(call.function.name).toBe("get_weather");
    const sent = up.requests[0]!;
    expect(sent.headers["user-agent"]).toMatch(/^claude-cli\/[\d.]+ \(external, cli\)$/);
    expect(sent.headers["x-app"]).toBe("cli");
    expect(sent.path).toBe("/v1/messages?beta=true");
    expect(sent.json().tools.map((t: { name: string }) => t.name)).toEqual(["mcp__ccmux__get_weather"]);
    expect(sent.json().system[0].text).toBe("You are Claude Code, Anthropic's official CLI for Claude.");

    const events = splitSseEvents(readFixture("anthropic/stream-tool-use.sse")).map((e) =>
      e.replace('"name":"Grep"', '"name":"mcp__ccmux__get_weather"'),
    );
    up.reply(sse(events));
    const stream = await client.chat.completions.create({
      model: "sonnet",
      messages: [{ role: "user", content: "weather?" }],
      tools,
      stream: true,
    });
    const names: string[] = [];
    for await (const chunk of stream)
      for (const call of chunk.choices[0]?.delta.tool_calls ?? [])
        if (call.function?.name) names.push(call.function.name);
    expect(names).toEqual(["get_weather"]);
  });
});
