// In-process stream translation rate: OpenAI Chat chunks → Anthropic events, with tinybench.
import { Bench } from "tinybench";
import type { StreamTranslator } from "../../src/stream/pipeline.ts";
import { translatedEvents } from "../../src/stream/translated-events.ts";
import { relayEvents } from "../../src/stream/event-relay.ts";
import { anthropicWriter } from "../../src/stream/answer-writer.ts";
import type { SseMessage } from "../../src/stream/sse.ts";
import { openaiStreamEvents, sseDataMessages } from "./payloads.ts";

export interface TranslationResult {
  name: string;
  chunksPerPass: number;
  eventsPerPass: number;
  eventsPerSec: number;
}

type Factory = (opts: { model: string }) => StreamTranslator<unknown>;

const FIXTURES: [string, string][] = [
  ["text", "openai/stream-text.sse"],
  ["tool calls", "openai/stream-tool-calls.sse"],
  ["reasoning", "openai/stream-reasoning.sse"],
  ["reasoning (OpenRouter)", "openai/stream-reasoning-openrouter.sse"],
];

/** The translator under test, or undefined while this build has none. */
async function loadFactory(): Promise<Factory | undefined> {
  const path = "../../src/translate/openai-chat/stream.ts";
  try {
    const mod = (await import(path)) as { chatStreamTranslator?: Factory };
    return typeof mod.chatStreamTranslator === "function" ? mod.chatStreamTranslator : undefined;
  } catch {
    return undefined;
  }
}

function pass(create: Factory, msgs: SseMessage[]): number {
  const t = create({ model: "gpt-4.1" });
  const state = t.init();
  let events = 0;
  for (const m of msgs) events += t.step(state, m).length;
  return events + t.finish(state).length;
}

function framesAsMessages(frames: string[]): SseMessage[] {
  return frames.map((f) => ({ event: undefined, id: undefined, data: f.slice(6).trimEnd() }));
}

/** The whole pipeline (SSE decode → translate → relay and encode), bytes in and bytes out. */
async function pipelinePass(create: Factory, body: Uint8Array<ArrayBuffer>): Promise<void> {
  const events = translatedEvents(new Response(body).body!, create({ model: "gpt-4.1" }));
  const out = relayEvents(events, { encoder: anthropicWriter.stream(), pingIntervalMs: 0 });
  await new Response(out).arrayBuffer();
}

/** events/s for each fixture and for the benchmark's 200-chunk stream; undefined when unsupported. */
export async function measureTranslation(timeMs: number): Promise<TranslationResult[] | undefined> {
  const create = await loadFactory();
  if (!create) return undefined;
  const inputs: [string, SseMessage[]][] = FIXTURES.map(([name, path]) => [name, sseDataMessages(path)]);
  inputs.push(["200-chunk text stream", framesAsMessages(openaiStreamEvents(200))]);
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(200, timeMs / 2) });
  for (const [name, msgs] of inputs) bench.add(name, () => void pass(create, msgs));
  const big = openaiStreamEvents(200);
  bench.add("200-chunk stream, whole pipeline (bytes → bytes)", () =>
    pipelinePass(create, new TextEncoder().encode(big.join(""))),
  );
  await bench.run();
  const rows: [string, SseMessage[]][] = [
    ...inputs,
    ["200-chunk stream, whole pipeline (bytes → bytes)", framesAsMessages(big)],
  ];
  return rows.map(([name, msgs], i) => {
    const result = bench.tasks[i]?.result;
    const ops = result && "throughput" in result ? result.throughput.mean : Number.NaN;
    const events = pass(create, msgs);
    return { name, chunksPerPass: msgs.length, eventsPerPass: events, eventsPerSec: ops * events };
  });
}
