import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { hang, json, sse, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { readFixture } from "../helpers/sse.ts";
import type { FinishedRequest } from "../../src/proxy/request-record.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let primary: FakeUpstream;
let backup: FakeUpstream;
let ccmux: InProcessServer;
let client: Anthropic;
const records: FinishedRequest[] = [];
let waiting: ((r: FinishedRequest) => void) | undefined;

/** The next published record (resolves on the event, no polling). */
function nextRecord(): Promise<FinishedRequest> {
  return new Promise((resolve) => (waiting = resolve));
}

const MESSAGE = {
  id: "msg_01",
  type: "message",
  role: "assistant",
  model: "up",
  content: [{ type: "text", text: "hi" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 12, output_tokens: 4, cache_read_input_tokens: 100, cache_creation_input_tokens: 7 },
};

beforeAll(async () => {
  primary = await startFakeUpstream();
  backup = await startFakeUpstream();
  const config = testConfig({
    providers: [provider("primary", primary.url), provider("backup", backup.url, { auth_type: "passthrough" })],
    models: [model("sonnet", ["primary", "up-sonnet"], ["backup", "backup-sonnet"])],
    router: { default: "sonnet", long_context_threshold: 60_000, background: "sonnet" },
  });
  ccmux = await startInProcess(config, { health: undefined });
  ccmux.deps.requests.subscribe((r) => {
    records.push(r);
    waiting?.(r);
  });
  client = new Anthropic({ baseURL: ccmux.url, apiKey: "client-key", maxRetries: 0 });
});

afterAll(async () => {
  await ccmux.stop();
  await primary.stop();
  await backup.stop();
});

const ask = { model: "sonnet", max_tokens: 16, messages: [{ role: "user" as const, content: "hi" }] };

describe("the finished-request record", () => {
  test("a JSON answer: route, provider, upstream model, status and all four token counts", async () => {
    primary.reply(json(MESSAGE));
    const next = nextRecord();
    const before = Date.now();
    await client.messages.create({ ...ask, metadata: { user_id: JSON.stringify({ session_id: "sess-1" }) } });
    const r = await next;
    expect(r).toMatchObject({
      endpoint: "/v1/messages",
      requestedModel: "sonnet",
      route: "default",
      provider: "primary",
      upstreamModel: "up-sonnet",
      stream: false,
      status: 200,
      session: "sess-1",
      subscription: false,
      clientAbort: false,
      tokens: { input: 12, output: 4, cacheRead: 100, cacheWrite: 7 },
      attempts: [{ provider: "primary", model: "up-sonnet", outcome: "ok" }],
    });
    expect(r.errorType).toBeUndefined();
    expect(r.time).toBeGreaterThanOrEqual(before - 5);
    expect(r.latencyMs).toBeGreaterThan(0);
    expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("a stream: published when it ends, with time to first byte and the failover attempts", async () => {
    primary.reply(status(529, { type: "error", error: { type: "overloaded_error", message: "busy" } }));
    backup.reply(sse(readFixture("anthropic/stream-text.sse")));
    const next = nextRecord();
    const stream = await client.messages.create({ ...ask, stream: true });
    for await (const _ of stream) {
      // drain
    }
    const r = await next;
    expect(r).toMatchObject({ provider: "backup", upstreamModel: "backup-sonnet", stream: true, status: 200 });
    expect(r.attempts.map((a) => [a.provider, a.outcome.split(" ")[0]])).toEqual([
      ["primary", "529"],
      ["backup", "ok"],
    ]);
    expect(r.ttftMs).toBeGreaterThan(0);
    expect(r.ttftMs!).toBeLessThanOrEqual(r.latencyMs);
    expect(r.tokens.output).toBeGreaterThan(0);
    expect(ccmux.deps.requests.streamsInFlight).toBe(0);
  });

  test("every provider failing is published with the error type", async () => {
    const overloaded = status(529, { type: "error", error: { type: "overloaded_error", message: "busy" } });
    primary.reply(overloaded);
    backup.reply(overloaded);
    const next = nextRecord();
    const failed = await client.messages.create(ask).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(Anthropic.APIError);
    const r = await next;
    expect(r).toMatchObject({ status: 529, errorType: "overloaded_error", clientAbort: false, route: "default" });
    expect(r.attempts).toHaveLength(2);
  });

  test("a client that leaves before the answer is published as a client abort", async () => {
    primary.reply(hang());
    const ac = new AbortController();
    const next = nextRecord();
    const pending = fetch(`${ccmux.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ask),
      signal: ac.signal,
    }).catch((e) => e);
    await primary.waitForRequests(primary.requests.length + 1);
    ac.abort();
    await pending;
    const r = await next;
    expect(r).toMatchObject({ status: 499, clientAbort: true, provider: "primary" });
  });

  test("the OpenAI front door publishes under its own endpoint", async () => {
    primary.reply(json(MESSAGE));
    const next = nextRecord();
    const res = await fetch(`${ccmux.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "sonnet", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    expect(await next).toMatchObject({ endpoint: "/v1/chat/completions", provider: "primary", status: 200 });
  });
});
