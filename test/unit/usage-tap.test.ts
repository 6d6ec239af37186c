import { describe, expect, test } from "bun:test";
import { tapUsage, type UsageCounts } from "../../src/server/usage-tap.ts";
import { readFixture, splitAtRandom, streamOf } from "../helpers/sse.ts";

/** The rule, stated over the whole body at once: input and cache-read the largest, output the last. */
function expected(text: string): UsageCounts {
  const all = (key: string) => [...text.matchAll(new RegExp(`"${key}":\\s*(\\d+)`, "g"))].map((m) => Number(m[1]));
  const usage: UsageCounts = {};
  const input = all("input_tokens"), output = all("output_tokens"), cached = all("cache_read_input_tokens");
  if (input.length) usage.input = Math.max(...input);
  if (output.length) usage.output = output[output.length - 1];
  if (cached.length) usage.cacheRead = Math.max(...cached);
  return usage;
}

async function tapped(chunks: Uint8Array[]): Promise<{ usage: UsageCounts; outcome: string; bytes: Uint8Array }> {
  let seen: { usage: UsageCounts; outcome: string } | undefined;
  const out = tapUsage(streamOf(chunks), (usage, outcome) => (seen = { usage: { ...usage }, outcome }));
  const bytes = new Uint8Array(await new Response(out).arrayBuffer());
  return { ...seen!, bytes };
}

const BODIES = [
  readFixture("anthropic/stream-text.sse"),
  readFixture("anthropic/stream-tool-use.sse"),
  readFixture("anthropic/stream-thinking.sse"),
  readFixture("anthropic/stream-web-search.sse"),
  readFixture("anthropic/response-tool-use.json"),
  JSON.stringify({ usage: { input_tokens: 123456789, cache_creation_input_tokens: 7, cache_read_input_tokens: 42, output_tokens: 9 } }, null, 2),
  'data: {"text":"\\"input_tokens\\": 5 is quoted text","usage":{"input_tokens":  \n 31,"output_tokens":1}}\n\ndata: {"usage":{"output_tokens":250}}\n\n',
];

describe("tapUsage", () => {
  test("relays every byte and finds the usage, whole and split anywhere", async () => {
    for (const text of BODIES) {
      const bytes = new TextEncoder().encode(text);
      for (let seed = 1; seed <= 150; seed++) {
        const parts = seed <= 5 ? seed : 2 + (seed % 30);
        const result = await tapped(splitAtRandom(bytes, Math.min(parts, bytes.length), seed));
        expect(result.outcome).toBe("ok");
        expect(result.usage).toEqual(expected(text));
        expect(result.bytes).toEqual(bytes);
      }
      const oneByOne = Array.from(bytes, (b) => Uint8Array.of(b));
      expect((await tapped(oneByOne)).usage).toEqual(expected(text));
    }
  });

  test("a body without usage reports none", async () => {
    const { usage } = await tapped([new TextEncoder().encode('{"type":"message","content":[]}')]);
    expect(usage).toEqual({});
  });

  test("reports aborted when the client cancels", async () => {
    let outcome = "";
    const body = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
    const out = tapUsage(body, (_u, o) => (outcome = o));
    await out.cancel("gone");
    expect(outcome).toBe("aborted");
  });
});
