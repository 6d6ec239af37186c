// Faults on the way: resets and stalls before and after the headers, broken and truncated streams,
// on an Anthropic pass-through and on a translated (OpenAI-compatible) upstream.
import { describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { hang, json, resetBeforeHeaders, resetMidStream, sse, stallAfter } from "../helpers/fake-upstream.ts";
import {
  BLOCK_EVENT,
  DELTA_EVENT,
  MESSAGE,
  START_EVENT,
  eventsOf,
  useFaultRig,
  FAULT_BOUND_MS,
  within,
} from "../helpers/fault-rig.ts";
import { readFixture, splitSseEvents } from "../helpers/sse.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const r = useFaultRig();

const OAI_CHUNKS = splitSseEvents(readFixture("openai/stream-text.sse"));
/** The first chunks of an OpenAI stream: role and some text, no finish_reason, no [DONE]. */
const OAI_PARTIAL = OAI_CHUNKS.slice(0, 3);

async function streamed(model: string): Promise<{ res: Response; events: { event: string; data: any }[] }> {
  const res = await r.post({ model, stream: true });
  return { res, events: eventsOf(await res.text()) };
}

function lastError(events: { event: string; data: any }[]) {
  const last = events.at(-1)!;
  expect(last.event).toBe("error");
  return last.data.error as { type: string; message: string };
}

describe("before the headers", () => {
  test("a reset fails over; alone it is a 502 api_error", async () => {
    r.primary.reply(resetBeforeHeaders());
    r.backup.reply(json(MESSAGE));
    expect((await within(FAULT_BOUND_MS, () => r.post({ model: "pass" }))).headers.get("x-ccmux-provider")).toBe(
      "backup",
    );
    r.primary.reply(resetBeforeHeaders());
    const res = await within(FAULT_BOUND_MS, () => r.post({ model: "solo" }));
    expect(res.status).toBe(502);
    expect((await res.json()).error.type).toBe("api_error");
  });

  test("a stall fails over after api_timeout_ms; alone it is a 504 timeout_error", async () => {
    r.primary.reply(hang());
    r.backup.reply(json(MESSAGE));
    expect((await within(FAULT_BOUND_MS, () => r.post({ model: "pass" }))).headers.get("x-ccmux-provider")).toBe(
      "backup",
    );
    r.primary.reply(hang());
    const res = await within(FAULT_BOUND_MS, () => r.post({ model: "solo" }));
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({
      error: { type: "timeout_error", message: expect.stringContaining("primary: no response within 400 ms") },
    });
  });

  test("a translated upstream stalling before its headers fails over too", async () => {
    r.primary.reply(hang());
    r.backup.reply(sse([START_EVENT, 'event: message_stop\ndata: {"type":"message_stop"}\n\n']));
    const { res } = await within(FAULT_BOUND_MS, () => streamed("oai-fo"));
    expect(res.headers.get("x-ccmux-provider")).toBe("backup");
  });
});

describe("mid-stream (pass-through)", () => {
  test("a reset ends the stream with an error event after the events already relayed", async () => {
    r.primary.reply(resetMidStream([START_EVENT, BLOCK_EVENT], { delayMs: 30 }));
    const { res, events } = await within(FAULT_BOUND_MS, () => streamed("pass"));
    expect(res.status).toBe(200);
    // What was relayed before the reset depends on how much the socket delivered; never a partial event.
    expect(["message_start", "content_block_start"].slice(0, events.length - 1)).toEqual(
      events.slice(0, -1).map((e) => e.event),
    );
    expect(lastError(events)).toMatchObject({
      type: "api_error",
      message: expect.stringContaining("primary: upstream connection lost mid-body"),
    });
    expect(r.backup.requests).toHaveLength(0);
  });

  test("a stall is cut by the idle watchdog: the upstream is aborted and the client gets a timeout_error event", async () => {
    r.primary.reply(stallAfter([START_EVENT, BLOCK_EVENT, DELTA_EVENT]));
    const { events } = await within(FAULT_BOUND_MS, () => streamed("pass"));
    expect(events.map((e) => e.event)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "error",
    ]);
    expect(lastError(events)).toEqual({
      type: "timeout_error",
      message: "primary: upstream stream stalled for 300 ms",
    });
    await r.primary.waitForAborted(1, 2000);
    expect(r.ccmux.deps.health.snapshot("primary")).toMatchObject({
      consecutive_failures: 1,
      last_error: "primary: upstream stream stalled for 300 ms",
    });
  });

  test("the SDK sees the stall as an APIError with the timeout type", async () => {
    r.primary.reply(stallAfter([START_EVENT, BLOCK_EVENT, DELTA_EVENT]));
    const stream = r.client.messages.stream({
      model: "pass",
      max_tokens: 5,
      messages: [{ role: "user", content: "hi" }],
    });
    const err = await within(FAULT_BOUND_MS, () => stream.finalMessage().catch((e) => e));
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err.error).toMatchObject({ type: "error", error: { type: "timeout_error" } });
  });

  test("a stream that ends without message_stop gets an error event instead of a silent cut", async () => {
    r.primary.reply(sse([START_EVENT, BLOCK_EVENT, DELTA_EVENT]));
    const { events } = await within(FAULT_BOUND_MS, () => streamed("pass"));
    expect(events.map((e) => e.event)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "error",
    ]);
    expect(lastError(events)).toEqual({ type: "api_error", message: "upstream stream ended before message_stop" });
    expect(r.ccmux.logs.join("")).toContain("[stream ended before message_stop]");
  });

  test("invalid SSE is relayed as it came and ends with an error event", async () => {
    const garbage = [
      "this is not an event stream\n\n",
      "data: {half a json\n\n",
      "event: message_start\ndata: nope\n\n",
    ];
    r.primary.reply(sse(garbage));
    const res = await within(FAULT_BOUND_MS, () => r.post({ model: "pass", stream: true }));
    const text = await res.text();
    expect(text.startsWith(garbage.join(""))).toBe(true);
    expect(lastError(eventsOf(text))).toEqual({
      type: "api_error",
      message: "upstream stream ended before message_stop",
    });
  });
});

describe("mid-stream (translated)", () => {
  test("a reset ends the stream with an error event", async () => {
    r.primary.reply(resetMidStream(OAI_PARTIAL, { delayMs: 30 }));
    const { res, events } = await within(FAULT_BOUND_MS, () => streamed("oai"));
    expect(res.status).toBe(200);
    expect(lastError(events).type).toBe("api_error");
  });

  test("a stall is cut by the idle watchdog with a timeout_error event", async () => {
    r.primary.reply(stallAfter(OAI_PARTIAL));
    const { events } = await within(FAULT_BOUND_MS, () => streamed("oai"));
    expect(events[0]!.event).toBe("message_start");
    expect(lastError(events)).toMatchObject({
      type: "timeout_error",
      message: expect.stringContaining("oai: upstream stream stalled for 300 ms"),
    });
    await r.primary.waitForAborted(1, 2000);
    expect(r.ccmux.deps.health.snapshot("oai")).toMatchObject({
      consecutive_failures: 1,
      last_error: "oai: upstream stream stalled for 300 ms",
    });
  });

  test("a stream truncated before its finish ends with an error event", async () => {
    r.primary.reply(sse(OAI_PARTIAL));
    const { events } = await within(FAULT_BOUND_MS, () => streamed("oai"));
    expect(events.map((e) => e.event)).toContain("content_block_delta");
    expect(lastError(events).type).toBe("api_error");
  });

  test("invalid SSE after the first content becomes an error event", async () => {
    r.primary.reply(sse([...OAI_PARTIAL, "data: {half a json\n\n"]));
    const { res, events } = await within(FAULT_BOUND_MS, () => streamed("oai"));
    expect(res.status).toBe(200);
    expect(events.map((e) => e.event)).toContain("content_block_delta");
    expect(lastError(events)).toMatchObject({ type: "api_error", message: expect.stringContaining("malformed") });
  });

  test("invalid SSE before any content fails over; alone it is a 500 api_error", async () => {
    r.primary.reply(sse([OAI_CHUNKS[0]!, "data: {half a json\n\n"]));
    r.backup.reply(sse([START_EVENT, 'event: message_stop\ndata: {"type":"message_stop"}\n\n']));
    const { res } = await within(FAULT_BOUND_MS, () => streamed("oai-fo"));
    expect(res.headers.get("x-ccmux-provider")).toBe("backup");
    r.primary.reply(sse([OAI_CHUNKS[0]!, "data: {half a json\n\n"]));
    const alone = await within(FAULT_BOUND_MS, () => r.post({ model: "oai", stream: true }));
    expect(alone.status).toBe(500);
    expect((await alone.json()).error).toMatchObject({
      type: "api_error",
      message: expect.stringContaining("malformed"),
    });
  });
});

describe("a whole answer to a streamed request", () => {
  test("an Anthropic upstream that ignores `stream`: its message goes out as the stream that would have carried it", async () => {
    r.primary.reply(json(MESSAGE));
    const { res, events } = await within(FAULT_BOUND_MS, () => streamed("pass"));
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(events.map((e) => e.event)).toEqual([
      "message_start",
      ...MESSAGE.content.flatMap(() => ["content_block_start", "content_block_delta", "content_block_stop"]),
      "message_delta",
      "message_stop",
    ]);
    expect(events.at(-2)!.data.usage).toMatchObject({ output_tokens: MESSAGE.usage.output_tokens });
  });
});
