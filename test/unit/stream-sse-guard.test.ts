import { describe, expect, test } from "bun:test";
import { guardSseStream, lastEventEnd } from "../../src/stream/sse-guard.ts";
import { parseAnthropicEvents, readFixture, splitAtRandom, streamOf } from "../helpers/sse.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const START =
  'event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","model":"x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":0}}}\n\n';
const BLOCK =
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n';

function manualSource() {
  let ctrl!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({ start: (c) => void (ctrl = c) });
  return {
    stream,
    push: (s: string) => ctrl.enqueue(enc.encode(s)),
    close: () => ctrl.close(),
    fail: (e: unknown) => ctrl.error(e),
  };
}

async function chunksOf(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(dec.decode(r.value));
  return out;
}

describe("lastEventEnd", () => {
  test("finds the end of the last complete event, LF or CRLF", () => {
    expect(lastEventEnd(enc.encode("a\n\nb"))).toBe(3);
    expect(lastEventEnd(enc.encode("a\r\n\r\nb\n"))).toBe(5);
    expect(lastEventEnd(enc.encode("data: x\n"))).toBe(0);
  });
});

describe("guardSseStream", () => {
  test("a complete stream split anywhere comes out byte-identical, whole events per chunk", async () => {
    const fixture = readFixture("anthropic/stream-tool-use.sse");
    for (const seed of [1, 2, 3]) {
      const pieces = splitAtRandom(enc.encode(fixture), 40, seed);
      const chunks = await chunksOf(guardSseStream(streamOf(pieces), { pingIntervalMs: 0 }));
      expect(chunks.join("")).toBe(fixture);
      for (const c of chunks) expect(c.endsWith("\n\n")).toBe(true);
    }
  });

  test("a stream that ends without message_stop gets an error event", async () => {
    const onTruncated = { called: 0 };
    const out = guardSseStream(streamOf([enc.encode(START + BLOCK)]), {
      pingIntervalMs: 0,
      onTruncated: () => void onTruncated.called++,
    });
    const events = parseAnthropicEvents((await chunksOf(out)).join(""));
    expect(events.map((e) => e.event)).toEqual(["message_start", "content_block_start", "error"]);
    expect(events[2]!.data.error).toEqual({ type: "api_error", message: "upstream stream ended before message_stop" });
    expect(onTruncated.called).toBe(1);
  });

  test("a last event without its blank line is completed, and counts", async () => {
    const text = `${START}event: message_stop\ndata: {"type":"message_stop"}\n`;
    const events = parseAnthropicEvents(
      (await chunksOf(guardSseStream(streamOf([enc.encode(text)]), { pingIntervalMs: 0 }))).join(""),
    );
    expect(events.map((e) => e.event)).toEqual(["message_start", "message_stop"]);
  });

  test("a body that breaks mid-event drops the partial event and ends with the error", async () => {
    const src = manualSource();
    const seen: unknown[] = [];
    const out = guardSseStream(src.stream, { pingIntervalMs: 0, onUpstreamError: (e) => void seen.push(e) });
    const reader = out.getReader();
    src.push(`${START}event: content_block_start\ndata: {"type":"content_bl`);
    let text = dec.decode((await reader.read()).value);
    src.fail(new Error("socket closed"));
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += dec.decode(r.value);
    const events = parseAnthropicEvents(text);
    expect(events.map((e) => e.event)).toEqual(["message_start", "error"]);
    expect(events[1]!.data.error.type).toBe("api_error");
    expect(seen).toHaveLength(1);
  });

  test("an upstream error event is not followed by a second one", async () => {
    const err = 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
    const events = parseAnthropicEvents(
      (await chunksOf(guardSseStream(streamOf([enc.encode(START + err)]), { pingIntervalMs: 0 }))).join(""),
    );
    expect(events.map((e) => e.event)).toEqual(["message_start", "error"]);
  });

  test("a long silence after the first event is filled with pings at event boundaries", async () => {
    const src = manualSource();
    const reader = guardSseStream(src.stream, { pingIntervalMs: 20 }).getReader();
    src.push(`${START}event: content_block_start\ndata: {`);
    expect(dec.decode((await reader.read()).value)).toBe(START);
    const ping = dec.decode((await reader.read()).value);
    expect(ping).toBe('event: ping\ndata: {"type":"ping"}\n\n');
    src.push(
      '"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n',
    );
    src.close();
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += dec.decode(r.value);
    const events = parseAnthropicEvents(START + ping + rest);
    expect(events.map((e) => e.event).filter((e) => e !== "ping")).toEqual([
      "message_start",
      "content_block_start",
      "message_stop",
    ]);
  });

  test("no ping before the first event", async () => {
    const src = manualSource();
    const reader = guardSseStream(src.stream, { pingIntervalMs: 10 }).getReader();
    const first = reader.read();
    await Bun.sleep(80);
    src.push(START);
    expect(dec.decode((await first).value)).toBe(START);
    await reader.cancel();
  });

  test("a held stream (pings already sent) is pinged before its first event too", async () => {
    const src = manualSource();
    const reader = guardSseStream(src.stream, { pingIntervalMs: 10, pingBeforeFirstEvent: true }).getReader();
    expect(dec.decode((await reader.read()).value)).toBe('event: ping\ndata: {"type":"ping"}\n\n');
    src.push(START);
    let next = dec.decode((await reader.read()).value);
    while (next.startsWith("event: ping")) next = dec.decode((await reader.read()).value);
    expect(next).toBe(START);
    await reader.cancel();
  });

  test("a partial event over 1 MiB is relayed rather than held", async () => {
    const src = manualSource();
    const reader = guardSseStream(src.stream, { pingIntervalMs: 0 }).getReader();
    src.push(`data: ${"x".repeat(1024 * 1024 + 10)}`);
    const { value } = await reader.read();
    expect(value!.byteLength).toBeGreaterThan(1024 * 1024);
    await reader.cancel();
  });
});
