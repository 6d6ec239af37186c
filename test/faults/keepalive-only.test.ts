// Upstreams that answer 200 and then send only keep-alives (SSE comments, blank chunks): the wait
// for the first content event is bounded (first_event_timeout_ms), then failover or an error.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import {
  CHAT_KEEPALIVES,
  keepAlivesForever,
  sse,
  startFakeUpstream,
  type FakeUpstream,
} from "../helpers/fake-upstream.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { readFixture } from "../helpers/sse.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const FIRST_EVENT_MS = 300;

const GEMINI_KEEPALIVES = [
  ": ping\r\n\r\n",
  'data: {"candidates":[{"content":{"role":"model","parts":[]},"index":0}]}\r\n\r\n',
  'data: {"usageMetadata":{"promptTokenCount":3}}\r\n\r\n',
];

let chatUp: FakeUpstream;
let geminiUp: FakeUpstream;
let backup: FakeUpstream;
let ccmux: InProcessServer;
let client: Anthropic;

beforeAll(async () => {
  [chatUp, geminiUp, backup] = await Promise.all([startFakeUpstream(), startFakeUpstream(), startFakeUpstream()]);
  const config = testConfig({
    providers: [
      provider("chat", `${chatUp.url}/v1`, { provider_type: "openai-compatible", api_key: "chat-fake-key" }),
      provider("gemini", `${geminiUp.url}/v1beta`, { provider_type: "gemini", api_key: "gemini-fake-key" }),
      provider("backup", backup.url),
    ],
    models: [
      model("chat", ["chat", "c1"]),
      model("chat-fo", ["chat", "c1"], ["backup", "b1"]),
      model("gemini-fo", ["gemini", "g1"], ["backup", "b1"]),
    ],
  });
  config.server.timeouts = {
    connect_timeout_ms: 5_000,
    api_timeout_ms: 20_000,
    idle_timeout_ms: 20_000,
    ping_interval_ms: 0,
    first_event_timeout_ms: FIRST_EVENT_MS,
  };
  config.server.health = { failure_threshold: 1000, cooldown_ms: 1000, max_cooldown_ms: 1000 };
  ccmux = await startInProcess(config);
  client = new Anthropic({ baseURL: ccmux.url, apiKey: "client-key", maxRetries: 0 });
});

afterAll(async () => {
  await ccmux.stop();
  await Promise.all([chatUp.stop(), geminiUp.stop(), backup.stop()]);
});

afterEach(async () => {
  // The abandoned upstream's connection is closed, not left streaming keep-alives.
  await Promise.all([chatUp, geminiUp, backup].map((u) => u.waitForClosedConnections(5000)));
  for (const u of [chatUp, geminiUp, backup]) u.clear();
  ccmux.deps.health.reset();
});

const stream = (modelName: string) =>
  client.messages.stream({ model: modelName, max_tokens: 16, messages: [{ role: "user", content: "hi" }] });

describe("keep-alive-only upstreams", () => {
  test("Chat Completions comments and blank chunks: the bound passes, the backup answers", async () => {
    chatUp.reply(keepAlivesForever(CHAT_KEEPALIVES));
    backup.reply(sse(readFixture("anthropic/stream-text.sse")));
    const s = stream("chat-fo");
    const message = await s.finalMessage();
    expect(message.content[0]).toMatchObject({ type: "text" });
    expect((await s.withResponse()).response.headers.get("x-ccmux-provider")).toBe("backup");
    expect(chatUp.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(1);
    expect(ccmux.deps.health.snapshot("chat").last_error).toContain(`no content within ${FIRST_EVENT_MS} ms`);
  });

  test("Gemini comments, empty candidates and usage-only chunks: the same", async () => {
    geminiUp.reply(keepAlivesForever(GEMINI_KEEPALIVES));
    backup.reply(sse(readFixture("anthropic/stream-text.sse")));
    const message = await stream("gemini-fo").finalMessage();
    expect(message.content[0]).toMatchObject({ type: "text" });
    expect(backup.requests).toHaveLength(1);
  });

  test("with no other provider, the client gets a 504 timeout_error in Anthropic's shape", async () => {
    chatUp.reply(keepAlivesForever(CHAT_KEEPALIVES));
    const err = await stream("chat")
      .finalMessage()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(504);
    const body = (err as InstanceType<typeof Anthropic.APIError>).error as any;
    expect(body.error.type).toBe("timeout_error");
    expect(body.error.message).toContain(`chat: no content within ${FIRST_EVENT_MS} ms`);
  });
});
