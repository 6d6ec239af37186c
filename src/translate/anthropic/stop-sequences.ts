import type { StreamEvent, Usage } from "../../contracts/anthropic.ts";
import { findStop, pendingStopLength } from "../shared/stop-sequences.ts";
import type { StreamTranslator } from "../../stream/pipeline.ts";
import { blockDeltaEvent, blockStopEvent, messageDeltaEvent, messageStopEvent } from "../../stream/event-writer.ts";

interface StopState<S> {
  inner: S;
  stops: readonly string[];
  /** Text held back per block index: it may be the start of a stop string. */
  held: Map<number, string>;
  /** The answer was cut at a stop string; everything after is dropped and the upstream cancelled. */
  stopped: boolean;
  /** Output characters sent so far, for the usage estimate of a cut answer. */
  sentChars: number;
  usage: Partial<Usage>;
}

/**
 * Upstreams that don't take stop strings (Responses) or don't say which one matched (Chat
 * Completions, Gemini) get them checked here: text is held back while it could be the start of a
 * stop string (across chunk boundaries), and at a match the block is cut, closed, and the message
 * ends with `stop_reason: "stop_sequence"` and the string, as Anthropic ends it. With no stop
 * strings, callers use the translator as it is.
 */
export function withStopSequences<S>(
  translator: StreamTranslator<S>,
  stops: readonly string[],
): StreamTranslator<StopState<S>> {
  const run = (state: StopState<S>, events: StreamEvent[]) => (state.stopped ? [] : filter(state, events));
  return {
    init: () => ({ inner: translator.init(), stops, held: new Map(), stopped: false, sentChars: 0, usage: {} }),
    step: (state, msg) => run(state, translator.step(state.inner, msg)),
    finish: (state) => run(state, translator.finish(state.inner)),
    fail: (state, err) => run(state, translator.fail(state.inner, err)),
    isDone: (state) => state.stopped,
  };
}

function filter<S>(state: StopState<S>, events: StreamEvent[]): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const event of events) {
    noteUsage(state, event);
    if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
      out.push(...textDelta(state, event.index, event.delta.text));
      if (state.stopped) return out;
      continue;
    }
    out.push(...flushHeld(state), event);
  }
  return out;
}

function textDelta<S>(state: StopState<S>, index: number, chunk: string): StreamEvent[] {
  const text = (state.held.get(index) ?? "") + chunk;
  state.held.delete(index);
  const match = findStop(text, state.stops);
  if (match) {
    state.stopped = true;
    return [...textEvent(state, index, text.slice(0, match.index)), ...stopEvents(state, index, match.stop)];
  }
  const keep = pendingStopLength(text, state.stops);
  if (keep > 0) state.held.set(index, text.slice(text.length - keep));
  return textEvent(state, index, text.slice(0, text.length - keep));
}

function flushHeld<S>(state: StopState<S>): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const [index, text] of state.held) out.push(...textEvent(state, index, text));
  state.held.clear();
  return out;
}

function textEvent<S>(state: StopState<S>, index: number, text: string): StreamEvent[] {
  if (text === "") return [];
  state.sentChars += text.length;
  return [blockDeltaEvent(index, { type: "text_delta", text })];
}

function noteUsage<S>(state: StopState<S>, event: StreamEvent): void {
  const usage =
    event.type === "message_start" ? event.message.usage : event.type === "message_delta" ? event.usage : undefined;
  if (usage) state.usage = { ...state.usage, ...usage };
}

/** The cut: close the block, end the message. Output tokens: the upstream's count so far, or ~4 chars a token. */
function stopEvents<S>(state: StopState<S>, index: number, stop: string): StreamEvent[] {
  const estimate = Math.ceil(state.sentChars / 4);
  const usage = { ...state.usage, output_tokens: Math.max(state.usage.output_tokens ?? 0, estimate) };
  return [blockStopEvent(index), messageDeltaEvent("stop_sequence", usage, stop), messageStopEvent()];
}
