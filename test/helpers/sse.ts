// SSE and fixture helpers for tests: parse raw event streams, read bodies, split bytes reproducibly.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface SseEvent {
  event?: string;
  data: string;
}

export interface AnthropicEvent {
  event: string;
  data: any;
}

/**
 * Parses a raw SSE text per the WHATWG rules: CRLF/CR/LF line ends, comments, multi-line data.
 * Like a browser, an unterminated final event (no blank line) is not dispatched.
 */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  let event: string | undefined;
  let data: string[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  lines.pop(); // the text after the last line end is an incomplete line
  for (const line of lines) {
    if (line === "") {
      if (data.length > 0)
        events.push(event === undefined ? { data: data.join("\n") } : { event, data: data.join("\n") });
      event = undefined;
      data = [];
      continue;
    }
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return events;
}

/**
 * Parses an Anthropic Messages stream; every event must have an `event:` line equal to its data's `type`
 * (Claude Code drops events without one), and JSON data. Throws naming the offending event otherwise.
 */
export function parseAnthropicEvents(text: string): AnthropicEvent[] {
  return parseSse(text).map((e, i) => {
    let data: any;
    try {
      data = JSON.parse(e.data);
    } catch {
      throw new Error(`SSE event #${i} (${e.event ?? "no event line"}) has non-JSON data: ${e.data.slice(0, 200)}`);
    }
    if (e.event === undefined) throw new Error(`SSE event #${i} has no event: line (data.type=${data?.type})`);
    if (data?.type !== e.event)
      throw new Error(`SSE event #${i}: event line "${e.event}" does not match data.type "${data?.type}"`);
    return { event: e.event, data };
  });
}

/** Splits raw SSE text into one string per event (each keeping its blank-line terminator), for drip replies. */
export function splitSseEvents(text: string): string[] {
  return text.match(/[\s\S]*?(?:\r\n\r\n|\n\n|\r\r|$)/g)!.filter((part) => part.length > 0);
}

/** Reads a Response body to the end as UTF-8 text; rejects if the stream errors. */
export async function readStream(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
  }
}

/** A deterministic PRNG (mulberry32) returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Splits bytes into `parts` non-empty pieces at seeded random positions (same seed, same split).
 * `parts` is clamped to [1, bytes.length]; concatenating the pieces gives the input back.
 */
export function splitAtRandom(bytes: Uint8Array, parts: number, seed: number): Uint8Array[] {
  const count = Math.max(1, Math.min(Math.floor(parts), bytes.byteLength));
  if (bytes.byteLength === 0) return [bytes.slice()];
  const random = seededRandom(seed);
  const cuts = new Set<number>();
  while (cuts.size < count - 1) cuts.add(1 + Math.floor(random() * (bytes.byteLength - 1)));
  const sorted = [...cuts].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...sorted, bytes.byteLength]) {
    pieces.push(bytes.slice(start, cut));
    start = cut;
  }
  return pieces;
}

/** A ReadableStream that yields the given chunks in order, then closes. */
export function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!);
      else controller.close();
    },
  });
}

/** Absolute path of a wire fixture under test/fixtures/ (a copy of the project's shared protocol fixtures). */
export function fixturePath(relPath: string): string {
  return fileURLToPath(new URL(`../fixtures/${relPath}`, import.meta.url));
}

/** Reads a shared fixture as UTF-8 text, e.g. readFixture("anthropic/stream-text.sse"). */
export function readFixture(relPath: string): string {
  const path = fixturePath(relPath);
  if (!existsSync(path)) throw new Error(`fixture not found: ${relPath} (looked at ${path})`);
  return readFileSync(path, "utf8");
}

/** Reads and parses a shared JSON fixture. */
export function readFixtureJson<T = any>(relPath: string): T {
  return JSON.parse(readFixture(relPath)) as T;
}
