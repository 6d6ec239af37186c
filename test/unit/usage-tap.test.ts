import { describe, expect, test } from "bun:test";
import { createUsageWatcher, usageOf, type UsageCounts } from "../../src/proxy/usage-tap.ts";
import { guardSseStream } from "../../src/stream/sse-guard.ts";
import { readFixture, splitAtRandom, streamOf } from "../helpers/sse.ts";

/** The rule, stated over the whole body at once: input and the cache counts the last non-zero, output the last. */
function expected(text: string): UsageCounts {
  const all = (key: string) => [...text.matchAll(new RegExp(`"${key}":\\s*(\\d+)`, "g"))].map((m) => Number(m[1]));
  const usage: UsageCounts = {};
  const input = all("input_tokens"),
    output = all("output_tokens"),
    cached = all("cache_read_input_tokens"),
    written = all("cache_creation_input_tokens");
  const lastNonZero = (ns: number[]) => ns.filter((n) => n > 0).at(-1) ?? 0;
  if (input.length) usage.input = lastNonZero(input);
  if (output.length) usage.output = output[output.length - 1];
  if (cached.length) usage.cacheRead = lastNonZero(cached);
  if (written.length) usage.cacheWrite = lastNonZero(written);
  return usage;
}

function watched(chunks: Uint8Array[]): UsageCounts {
  const watcher = createUsageWatcher();
  for (const chunk of chunks) watcher.watch(chunk);
  return { ...watcher.usage };
}

const BODIES = [
  readFixture("anthropic/stream-text.sse"),
  readFixture("anthropic/stream-tool-use.sse"),
  readFixture("anthropic/stream-thinking.sse"),
  readFixture("anthropic/stream-web-search.sse"),
  readFixture("anthropic/response-tool-use.json"),
  JSON.stringify(
    {
      usage: { input_tokens: 123456789, cache_creation_input_tokens: 7, cache_read_input_tokens: 42, output_tokens: 9 },
    },
    null,
    2,
  ),
  // A translated stream: message_start carries ccmux's estimate, message_delta the upstream's count.
  'event: message_start\ndata: {"message":{"usage":{"input_tokens":29256,"output_tokens":0}}}\n\nevent: message_delta\ndata: {"usage":{"input_tokens":120,"cache_read_input_tokens":0,"output_tokens":9}}\n\n',
  'data: {"text":"\\"input_tokens\\": 5 is quoted text","usage":{"input_tokens":  \n 31,"output_tokens":1}}\n\ndata: {"usage":{"output_tokens":250}}\n\n',
];

describe("usage watcher", () => {
  test("finds the usage whole and split anywhere", () => {
    for (const text of BODIES) {
      const bytes = new TextEncoder().encode(text);
      expect(usageOf(bytes)).toEqual(expected(text));
      for (let seed = 1; seed <= 150; seed++) {
        const parts = seed <= 5 ? seed : 2 + (seed % 30);
        expect(watched(splitAtRandom(bytes, Math.min(parts, bytes.length), seed))).toEqual(expected(text));
      }
      expect(watched(Array.from(bytes, (b) => Uint8Array.of(b)))).toEqual(expected(text));
    }
  });

  test("the upstream's count in message_delta replaces the estimate in message_start", () => {
    const text = BODIES.find((b) => b.includes("29256"))!;
    expect(usageOf(new TextEncoder().encode(text))).toEqual({ input: 120, output: 9, cacheRead: 0 });
  });

  test("a body without usage reports none", () => {
    expect(watched([new TextEncoder().encode('{"type":"message","content":[]}')])).toEqual({});
  });
});

describe("the SSE guard reports what it relayed", () => {
  test("every relayed byte reaches onOutput, then onEnd(ok) once", async () => {
    const text = readFixture("anthropic/stream-tool-use.sse");
    const bytes = new TextEncoder().encode(text);
    const watcher = createUsageWatcher();
    const ends: string[] = [];
    const out = guardSseStream(streamOf(splitAtRandom(bytes, 40, 7)), {
      pingIntervalMs: 0,
      onOutput: (b) => watcher.watch(b),
      onEnd: (o) => ends.push(o),
    });
    expect(new Uint8Array(await new Response(out).arrayBuffer())).toEqual(bytes);
    expect(watcher.usage).toEqual(expected(text));
    expect(ends).toEqual(["ok"]);
  });

  test("reports aborted when the client cancels", async () => {
    const ends: string[] = [];
    const body = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
    const out = guardSseStream(body, { pingIntervalMs: 0, onEnd: (o) => ends.push(o) });
    await out.cancel("gone");
    expect(ends).toEqual(["aborted"]);
  });
});
