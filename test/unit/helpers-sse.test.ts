import { describe, expect, test } from "bun:test";
import { startFakeUpstream, sse } from "../helpers/fake-upstream.ts";
import {
  parseAnthropicEvents,
  parseSse,
  readFixture,
  readFixtureJson,
  readStream,
  splitAtRandom,
  splitSseEvents,
  streamOf,
} from "../helpers/sse.ts";

describe("parseSse", () => {
  test("event and multi-line data, comments, CRLF and CR line ends", () => {
    const text = ": comment\r\nevent: a\r\ndata: 1\r\ndata:2\r\n\r\ndata: x\rid: 7\r\r";
    expect(parseSse(text)).toEqual([{ event: "a", data: "1\n2" }, { data: "x" }]);
  });

  test("an unterminated final event is not dispatched; data-less events are skipped", () => {
    expect(parseSse("event: a\n\ndata: 1\n\ndata: 2\n")).toEqual([{ data: "1" }]);
  });
});

describe("parseAnthropicEvents", () => {
  test("parses a fixture stream from message_start to message_stop", () => {
    const events = parseAnthropicEvents(readFixture("anthropic/stream-text.sse"));
    expect(events[0]!.event).toBe("message_start");
    expect(events.at(-1)!.data).toEqual({ type: "message_stop" });
  });

  test("rejects a missing event line, a mismatched one, and non-JSON data", () => {
    expect(() => parseAnthropicEvents('data: {"type":"ping"}\n\n')).toThrow(/no event: line/);
    expect(() => parseAnthropicEvents('event: ping\ndata: {"type":"error"}\n\n')).toThrow(/does not match/);
    expect(() => parseAnthropicEvents("event: ping\ndata: {\n\n")).toThrow(/non-JSON/);
  });
});

describe("splitSseEvents", () => {
  test("one string per event, rejoining to the original", () => {
    const text = readFixture("anthropic/stream-text.sse");
    const parts = splitSseEvents(text);
    expect(parts.join("")).toBe(text);
    expect(parts.length).toBe(parseSse(text).length);
  });
});

describe("splitAtRandom", () => {
  const bytes = new TextEncoder().encode("héllo, wörld — ünïcode ✓");

  test("deterministic per seed, non-empty pieces that rejoin to the input", () => {
    const a = splitAtRandom(bytes, 5, 42);
    expect(splitAtRandom(bytes, 5, 42)).toEqual(a);
    expect(splitAtRandom(bytes, 5, 43)).not.toEqual(a);
    expect(a.length).toBe(5);
    expect(a.every((p) => p.byteLength > 0)).toBe(true);
    expect(Buffer.concat(a)).toEqual(Buffer.from(bytes));
  });

  test("clamps parts to [1, length]", () => {
    expect(splitAtRandom(bytes, 0, 1)).toHaveLength(1);
    expect(splitAtRandom(bytes, 10_000, 1)).toHaveLength(bytes.byteLength);
    expect(splitAtRandom(new Uint8Array(0), 3, 1)).toHaveLength(1);
  });

  test("streamOf replays the pieces as a stream", async () => {
    const text = await readStream(new Response(streamOf(splitAtRandom(bytes, 7, 9))));
    expect(text).toBe(new TextDecoder().decode(bytes));
  });
});

describe("fixtures and readStream", () => {
  test("readFixture names a missing file; readFixtureJson parses", () => {
    expect(() => readFixture("anthropic/nope.sse")).toThrow(/fixture not found: anthropic\/nope.sse/);
    expect(readFixtureJson("anthropic/request-claude-code.json").messages).toBeArray();
  });

  test("a fixture served by the fake upstream reads back byte for byte", async () => {
    const fake = await startFakeUpstream();
    const text = readFixture("anthropic/stream-tool-use.sse");
    fake.reply(sse(splitSseEvents(text)));
    expect(await readStream(await fetch(`${fake.url}/v1/messages`))).toBe(text);
    await fake.stop();
  });
});
