// A streamed request held while failover runs (keep-alive-only upstreams, slow mappings): after one
// ping interval ccmux answers 200 and sends pings, then the winner's stream or one error event.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import {
  CHAT_KEEPALIVES,
  hang,
  json,
  keepAlivesForever,
  sse,
  startFakeUpstream,
  status,
  type FakeUpstream,
} from "../helpers/fake-upstream.ts";
import {
  model,
  nextRecords,
  provider,
  startInProcess,
  testConfig,
  type InProcessServer,
} from "../helpers/in-process.ts";
import { assembleAnthropicStream } from "../helpers/anthropic-grammar.ts";
import { eventsOf, MESSAGE } from "../helpers/fault-rig.ts";
import { readFixture, readStream } from "../helpers/sse.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const PING_MS = 50;
const FIRST_EVENT_MS = 600;
const TEXT_FIXTURE = "anthropic/stream-text.sse";

let slow: FakeUpstream;
let slow2: FakeUpstream;
let backup: FakeUpstream;
/** Pings every 50 ms: a held request commits long before any keep-alive-only upstream's bound. */
let held: InProcessServer;
/** Pings every 20 s: a fast failure always comes before the commit point. */
let quiet: InProcessServer;

async function serve(pingMs: number): Promise<InProcessServer> {
  const config = testConfig({
    providers: [
      provider("slow", `${slow.url}/v1`, { provider_type: "openai-compatible", api_key: "slow-fake-key" }),
      provider("slow2", `${slow2.url}/v1`, { provider_type: "openai-compatible", api_key: "slow2-fake-key" }),
      provider("backup", backup.url),
    ],
    models: [model("slow-fo", ["slow", "s1"], ["backup", "b1"]), model("both-slow", ["slow", "s1"], ["slow2", "s2"])],
  });
  config.server.timeouts = {
    connect_timeout_ms: 5_000,
    api_timeout_ms: 20_000,
    idle_timeout_ms: 20_000,
    ping_interval_ms: pingMs,
    first_event_timeout_ms: FIRST_EVENT_MS,
  };
  config.server.health = { failure_threshold: 1000, cooldown_ms: 1000, max_cooldown_ms: 1000 };
  return startInProcess(config);
}

beforeAll(async () => {
  [slow, slow2, backup] = await Promise.all([startFakeUpstream(), startFakeUpstream(), startFakeUpstream()]);
  [held, quiet] = await Promise.all([serve(PING_MS), serve(20_000)]);
});

afterAll(async () => {
  await Promise.all([held.stop(), quiet.stop()]);
  await Promise.all([slow.stop(), slow2.stop(), backup.stop()]);
});

afterEach(async () => {
  await Promise.all([slow, slow2, backup].map((u) => u.waitForClosedConnections(5000)));
  for (const u of [slow, slow2, backup]) u.clear();
  held.deps.health.reset();
  quiet.deps.health.reset();
});

const BODY = { max_tokens: 16, stream: true, messages: [{ role: "user", content: "hi" }] };

function post(server: InProcessServer, modelName: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${server.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...BODY, model: modelName }),
    signal,
  });
}

describe("a streamed request held while failover runs", () => {
  test("pings first, then the backup's answer in one well-formed stream with one message_start", async () => {
    slow.reply(keepAlivesForever(CHAT_KEEPALIVES));
    backup.reply(sse(readFixture(TEXT_FIXTURE)));
    const res = await post(held, "slow-fo");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/event-stream");
    expect(res.headers.get("x-ccmux-route")).toBe("default");
    const events = eventsOf(await readStream(res));
    expect(events[0]!.event).toBe("ping");
    const starts = events.filter((e) => e.event === "message_start");
    expect(starts).toHaveLength(1);
    expect(events.findIndex((e) => e.event === "message_start")).toBeGreaterThan(0);
    const expected = assembleAnthropicStream(eventsOf(readFixture(TEXT_FIXTURE)).map((e) => e.data));
    const got = assembleAnthropicStream(events.map((e) => e.data));
    expect(got.content).toEqual(expected.content);
    expect(got.stopReason).toBe(expected.stopReason);
    expect(slow.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(1);
  });

  test("the official SDK's streaming client reads the held answer as any other", async () => {
    slow.reply(keepAlivesForever(CHAT_KEEPALIVES));
    backup.reply(sse(readFixture(TEXT_FIXTURE)));
    const client = new Anthropic({ baseURL: held.url, apiKey: "client-key", maxRetries: 0 });
    const message = await client.messages
      .stream({ model: "slow-fo", max_tokens: 16, messages: [{ role: "user", content: "hi" }] })
      .finalMessage();
    const expected = assembleAnthropicStream(eventsOf(readFixture(TEXT_FIXTURE)).map((e) => e.data));
    expect(message.content).toEqual(expected.content);
  });

  test("a backup that ignores `stream` and answers JSON: its message goes out as its stream of events", async () => {
    slow.reply(keepAlivesForever(CHAT_KEEPALIVES));
    const message = {
      ...MESSAGE,
      content: [
        { type: "thinking", thinking: "hmm", signature: "sig" },
        { type: "text", text: "fine" },
        { type: "tool_use", id: "toolu_1", name: "shell", input: { cmd: "ls" } },
      ],
    };
    backup.reply(json(message));
    const events = eventsOf(await readStream(await post(held, "slow-fo")));
    expect(events[0]!.event).toBe("ping");
    const got = assembleAnthropicStream(events.map((e) => e.data));
    expect(got.content).toEqual(message.content);
    expect(got.stopReason).toBe("end_turn");
    expect(got.usage).toMatchObject({ input_tokens: 3, output_tokens: 1 });
  });

  test("every mapping keep-alive-only: pings, then one error event naming the bound", async () => {
    slow.reply(keepAlivesForever(CHAT_KEEPALIVES));
    slow2.reply(keepAlivesForever(CHAT_KEEPALIVES));
    const recorded = nextRecords(held);
    const res = await post(held, "both-slow");
    expect(res.status).toBe(200);
    const events = eventsOf(await readStream(res));
    // The record keeps the status the client got, and says why the request failed.
    expect((await recorded)[0]).toMatchObject({ status: 200, errorType: "timeout_error", stream: true });
    expect(events[0]!.event).toBe("ping");
    expect(events.filter((e) => e.event !== "ping").map((e) => e.event)).toEqual(["error"]);
    const last = events[events.length - 1]!;
    expect(last.data.error.type).toBe("timeout_error");
    expect(last.data.error.message).toContain(`slow2: no content within ${FIRST_EVENT_MS} ms`);
    expect(JSON.stringify(last.data)).not.toContain("fake-key");
    expect(slow.requests).toHaveLength(1);
    expect(slow2.requests).toHaveLength(1);
  });

  test("the SDK sees that error as an APIError of its type", async () => {
    slow.reply(keepAlivesForever(CHAT_KEEPALIVES));
    slow2.reply(keepAlivesForever(CHAT_KEEPALIVES));
    const client = new Anthropic({ baseURL: held.url, apiKey: "client-key", maxRetries: 0 });
    const err = await client.messages
      .stream({ model: "both-slow", max_tokens: 16, messages: [{ role: "user", content: "hi" }] })
      .finalMessage()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as any).error.error.type).toBe("timeout_error");
  });

  test("a fast failure before the commit point is still an HTTP error status", async () => {
    slow.reply(status(500, { type: "error", error: { type: "api_error", message: "boom" } }));
    slow2.reply(status(503, { type: "error", error: { type: "overloaded_error", message: "busy" } }));
    const res = await post(quiet, "both-slow");
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.headers.get("content-type")).toStartWith("application/json");
    expect(((await res.json()) as any).type).toBe("error");
  });

  test("the client leaving while held closes the upstream and tries no other mapping", async () => {
    slow.reply(hang());
    const ac = new AbortController();
    const res = await post(held, "slow-fo", ac.signal);
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toStartWith("event: ping\n");
    await slow.waitForRequests(1, 5000);
    ac.abort();
    await slow.waitForClosedConnections(5000);
    expect(slow.openConnections()).toBe(0);
    expect(backup.requests).toHaveLength(0);
  });
});

describe("the OpenAI front door while held", () => {
  test("SSE comments keep the connection alive, then the backup's answer as chunks", async () => {
    slow.reply(keepAlivesForever(CHAT_KEEPALIVES));
    backup.reply(sse(readFixture(TEXT_FIXTURE)));
    const res = await fetch(`${held.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "slow-fo", stream: true, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    const text = await readStream(res);
    expect(text).toStartWith(": ping\n\n");
    expect(text).toContain('"role":"assistant"');
    expect(text.trimEnd()).toEndWith("data: [DONE]");
  });

  test("the Responses front door too: comments, then the answer as Responses events", async () => {
    slow.reply(keepAlivesForever(CHAT_KEEPALIVES));
    backup.reply(sse(readFixture(TEXT_FIXTURE)));
    const res = await fetch(`${held.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "slow-fo", stream: true, input: "hi" }),
    });
    expect(res.status).toBe(200);
    const text = await readStream(res);
    expect(text).toStartWith(": ping\n\n");
    expect(text).toContain("response.completed");
  });

  test("the official openai client reads the held answer", async () => {
    slow.reply(keepAlivesForever(CHAT_KEEPALIVES));
    backup.reply(sse(readFixture(TEXT_FIXTURE)));
    const client = new OpenAI({ baseURL: `${held.url}/v1`, apiKey: "client-key", maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "slow-fo",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    const expected = assembleAnthropicStream(eventsOf(readFixture(TEXT_FIXTURE)).map((e) => e.data));
    expect(text).toBe(expected.content[0].text);
  });
});
