// Request bodies and upstream answers for the benchmark, built from the wire fixtures.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const FIXTURES = join(import.meta.dir, "../../test/fixtures");
const encoder = new TextEncoder();

type Json = Record<string, unknown>;

function fixture(path: string): string {
  return readFileSync(join(FIXTURES, path), "utf8");
}

const PROSE = [
  "Read the file before editing it, and keep the change as small as the task allows.",
  "Run the tests after each change; a failing test is a signal, not an obstacle.",
  "Prefer the project's existing helpers over new abstractions, and match its style.",
  "When a command fails, read the error, form a hypothesis and check it before retrying.",
  "Never commit secrets; environment files and keys stay out of version control.",
  "Explain what you changed and why in one or two sentences at the end of the turn.",
];

/** Deterministic English-like text of about `chars` characters. */
export function prose(chars: number, seed = 0): string {
  const parts: string[] = [];
  let n = 0;
  for (let i = seed; n < chars; i++) {
    const s = PROSE[i % PROSE.length]!;
    parts.push(s);
    n += s.length + 1;
  }
  return parts.join(" ").slice(0, chars);
}

/** A small, realistic background request (Claude Code's session-title call). */
export function smallRequest(model: string, stream: boolean): Json {
  const req = JSON.parse(fixture("anthropic/request-claude-code-haiku-title.json")) as Json;
  return { ...req, model, stream };
}

function tools(base: Json[], count: number): Json[] {
  const out: Json[] = [];
  for (let i = 0; i < count; i++) {
    const t = base[i % base.length]!;
    out.push({ ...t, name: `${String(t.name)}${i}`, description: prose(2000, i) });
  }
  return out;
}

function turns(base: Json[], pairs: number, chars: number): Json[] {
  const [first, assistant, toolResult] = base as [Json, Json, Json];
  const out: Json[] = [first];
  for (let i = 0; i < pairs; i++) {
    const id = `toolu_bench${String(i).padStart(4, "0")}`;
    const a = structuredClone(assistant) as { content: Json[] };
    for (const block of a.content) {
      if (block.type === "tool_use") block.id = id;
      if (block.type === "text") block.text = prose(300, i);
    }
    const r = structuredClone(toolResult) as { content: Json[] };
    r.content[0] = { ...r.content[0], tool_use_id: id, content: prose(chars, i + 1) };
    out.push(a, r);
  }
  return out;
}

/**
 * A Claude Code-sized main-turn request of about `targetBytes`: the fixture's system blocks
 * (main prompt grown to ~12 KB), 20 tools, 41 messages (20 tool round trips).
 */
export function largeRequest(model: string, stream: boolean, targetBytes = 120 * 1024): Json {
  const req = JSON.parse(fixture("anthropic/request-claude-code.json")) as Json;
  const system = structuredClone(req.system) as Json[];
  system[2] = { ...system[2], text: prose(12_000, 2) };
  const built = (chars: number): Json => ({
    ...req,
    model,
    stream,
    system,
    tools: tools(req.tools as Json[], 20),
    messages: turns(req.messages as Json[], 20, chars),
  });
  let chars = 1000;
  for (let i = 0; i < 20; i++) {
    const size = JSON.stringify(built(chars)).length;
    if (Math.abs(size - targetBytes) < 512) break;
    chars = Math.max(10, Math.round(chars + (targetBytes - size) / 20));
  }
  return built(chars);
}

export function encodeJson(value: unknown): Uint8Array<ArrayBuffer> {
  return encoder.encode(JSON.stringify(value));
}

function anthropicEvent(data: Json): string {
  return `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;
}

const TEXT_DELTA = (i: number): Json => ({
  type: "content_block_delta",
  index: 0,
  delta: { type: "text_delta", text: `${prose(24, i)} ` },
});

/** The first events of the Anthropic text fixture, then `events` in all. */
export function anthropicStreamEvents(events: number): string[] {
  const start = JSON.parse(fixture("anthropic/stream-text.sse").split("\n")[1]!.slice(6)) as Json;
  const head = [
    start,
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "ping" },
  ];
  const tail: Json[] = [
    { type: "content_block_stop", index: 0 },
    {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { input_tokens: 412, cache_read_input_tokens: 3180, output_tokens: events },
    },
    { type: "message_stop" },
  ];
  const body = Array.from({ length: Math.max(0, events - head.length - tail.length) }, (_, i) => TEXT_DELTA(i));
  return [...head, ...body, ...tail].map(anthropicEvent);
}

/** An OpenAI Chat stream of `events` data lines (role, content, finish, usage) plus [DONE]. */
export function openaiStreamEvents(events: number): string[] {
  const lines = fixture("openai/stream-text.sse")
    .split("\n")
    .filter((l) => l.startsWith("data: {"));
  const chunk = JSON.parse(lines[1]!.slice(6)) as Json;
  const role = lines[0]!,
    finish = lines[lines.length - 2]!,
    usage = lines[lines.length - 1]!;
  const content = Array.from(
    { length: Math.max(0, events - 3) },
    (_, i) =>
      `data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: { content: `${prose(24, i)} ` }, logprobs: null, finish_reason: null }] })}`,
  );
  return [role, ...content, finish, usage, "data: [DONE]"].map((l) => `${l}\n\n`);
}

export function anthropicJsonAnswer(): Uint8Array<ArrayBuffer> {
  return encoder.encode(fixture("anthropic/response-tool-use.json"));
}

export function openaiJsonAnswer(): Uint8Array<ArrayBuffer> {
  return encoder.encode(fixture("openai/response-tool-calls.json"));
}

/** An SSE fixture split into its `data:` payloads, as a decoder would hand them to a translator. */
export function sseDataMessages(path: string): { event: string | undefined; data: string; id: string | undefined }[] {
  return fixture(path)
    .split(/\r?\n\r?\n/)
    .map((frame) =>
      frame
        .split(/\r?\n/)
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trimStart())
        .join("\n"),
    )
    .filter((data) => data !== "")
    .map((data) => ({ event: undefined, data, id: undefined }));
}
