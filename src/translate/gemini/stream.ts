import type { ErrorEvent, StopReason, StreamEvent } from "../../contracts/anthropic.ts";
import {
  blockDeltaEvent,
  blockStartEvent,
  blockStopEvent,
  emptyBlock,
  errorEvent as anthropicErrorEvent,
  fragmentDelta,
  thrownErrorEvent,
  messageDeltaEvent,
  messageStartEvent,
  messageStopEvent,
} from "../../stream/event-writer.ts";
import type { StreamTranslator } from "../../stream/pipeline.ts";
import type { SseMessage } from "../../stream/sse.ts";
import { CcmuxError } from "../../util/errors.ts";
import { messageId } from "../shared/ids.ts";
import { geminiCallToolUseId } from "./call-id.ts";
import { PLACEHOLDER_SIGNATURE } from "../shared/thinking-signature.ts";
import { googleErrorEvent, googleErrorOf } from "./errors.ts";
import { blockedNote, finishToStopReason, type GeminiResponseOptions } from "./response.ts";
import { geminiUsageToAnthropic } from "./usage.ts";
import { parkSignature, type ParkedKind } from "./signature.ts";
import { checkGeminiAnswer, type GeminiPart, type UsageMetadata } from "./schema.ts";
import { parseJson } from "../shared/wire-schema.ts";

export interface GeminiStreamOptions extends GeminiResponseOptions {
  /** Chunks arrive as `{response:{…}, traceId}`. The wrapper is also recognised without this flag. */
  codeAssist?: boolean;
}

export interface GeminiStreamState {
  opts: GeminiStreamOptions;
  started: boolean;
  /** An error event or message_stop was sent; nothing more may follow. */
  done: boolean;
  nextIndex: number;
  open: { type: "text" | "thinking"; index: number } | null;
  sawToolUse: boolean;
  finishReason?: string;
  finishMessage?: string | null;
  blockReason?: string;
  usage?: UsageMetadata;
}

/**
 * `streamGenerateContent?alt=sse` → Anthropic events. Every SSE message is a whole
 * GenerateContentResponse holding only new parts (functionCalls arrive whole) and cumulative
 * usage; the stream has no terminator, so message_delta/message_stop are sent by `finish`.
 */
export function geminiStreamTranslator(opts: GeminiStreamOptions): StreamTranslator<GeminiStreamState> {
  return {
    init: () => ({ opts, started: false, done: false, nextIndex: 0, open: null, sawToolUse: false }),
    step,
    finish,
    fail: (state, err) => terminate(state, errorEvent(err)),
  };
}

function step(state: GeminiStreamState, msg: SseMessage): StreamEvent[] {
  if (state.done || msg.data.trim() === "") return [];
  const parsed = parseJson(msg.data);
  const checked = parsed.ok ? checkGeminiAnswer(parsed.value) : parsed;
  if (!checked.ok) return terminate(state, apiError(`Gemini sent a malformed stream chunk (${checked.problem})`));
  const chunk = checked.value;
  if (chunk.error) return terminate(state, googleErrorEvent(googleErrorOf(chunk) ?? {}));
  if (chunk.usageMetadata) state.usage = chunk.usageMetadata;
  const events = state.started ? [] : [messageStart(state)];
  state.started = true;
  const candidate = chunk.candidates?.[0];
  for (const part of candidate?.content?.parts ?? []) events.push(...partEvents(state, part));
  if (candidate?.finishReason) {
    state.finishReason = candidate.finishReason;
    state.finishMessage = candidate.finishMessage;
  }
  if (!candidate && chunk.promptFeedback?.blockReason) state.blockReason = chunk.promptFeedback.blockReason;
  return events;
}

function finish(state: GeminiStreamState): StreamEvent[] {
  if (state.done) return [];
  if (!state.started) return terminate(state, apiError("Gemini stream ended before sending any response"));
  if (state.blockReason) {
    const note = [...closeOpen(state), ...textEvents(state, blockedNote(state.blockReason))];
    return [...note, ...messageEnd(state, "refusal")];
  }
  if (state.finishReason === "MALFORMED_FUNCTION_CALL") {
    const detail = state.finishMessage ? `: ${state.finishMessage}` : "";
    return terminate(state, apiError(`Gemini produced a malformed function call${detail}`));
  }
  if (!state.finishReason) return terminate(state, apiError("Gemini stream ended without a finish reason"));
  return [...closeOpen(state), ...messageEnd(state, finishToStopReason(state.finishReason, state.sawToolUse))];
}

function partEvents(state: GeminiStreamState, part: GeminiPart): StreamEvent[] {
  const signature =
    typeof part.thoughtSignature === "string" && part.thoughtSignature !== "" ? part.thoughtSignature : undefined;
  if (part.functionCall) {
    const id = geminiCallToolUseId(part.functionCall.id, state.opts.idFactory);
    const events = closeOpen(state);
    if (signature) events.push(...parkedEvents(state, "call", signature, id));
    events.push(...toolUseEvents(state, id, part.functionCall.name, part.functionCall.args ?? {}));
    state.sawToolUse = true;
    return events;
  }
  if (typeof part.text !== "string") return [];
  const type = part.thought ? "thinking" : "text";
  const events: StreamEvent[] = [];
  if (part.text !== "") {
    events.push(...ensureOpen(state, type));
    events.push(blockDeltaEvent(state.open!.index, fragmentDelta(type, part.text)));
  }
  if (!signature) return events;
  if (type === "thinking" && state.open?.type === "thinking")
    return [...events, ...closeOpen(state, park(state, "thought", signature))];
  if (type === "thinking") return [...events, ...closeOpen(state), ...parkedEvents(state, "thought", signature)];
  return [...events, ...closeOpen(state), ...parkedEvents(state, "text", signature)];
}

function ensureOpen(state: GeminiStreamState, type: "text" | "thinking"): StreamEvent[] {
  if (state.open?.type === type) return [];
  const events = closeOpen(state);
  const index = state.nextIndex++;
  state.open = { type, index };
  events.push(blockStartEvent(index, emptyBlock(type)));
  return events;
}

/** Closes the open block; a thinking block first gets its signature (the placeholder if Gemini sent none). */
function closeOpen(state: GeminiStreamState, signature = PLACEHOLDER_SIGNATURE): StreamEvent[] {
  const open = state.open;
  if (!open) return [];
  state.open = null;
  const stop = blockStopEvent(open.index);
  if (open.type === "text") return [stop];
  return [blockDeltaEvent(open.index, { type: "signature_delta", signature }), stop];
}

function park(state: GeminiStreamState, kind: ParkedKind, signature: string, toolUseId = ""): string {
  return parkSignature({ kind, scope: state.opts.signatureScope ?? "", toolUseId, signature });
}

/** An empty thinking block whose only content is a parked signature. */
function parkedEvents(state: GeminiStreamState, kind: ParkedKind, signature: string, id = ""): StreamEvent[] {
  const index = state.nextIndex++;
  return [
    blockStartEvent(index, emptyBlock("thinking")),
    blockDeltaEvent(index, { type: "signature_delta", signature: park(state, kind, signature, id) }),
    blockStopEvent(index),
  ];
}

function toolUseEvents(
  state: GeminiStreamState,
  id: string,
  name: string,
  args: Record<string, unknown>,
): StreamEvent[] {
  const index = state.nextIndex++;
  return [
    blockStartEvent(index, emptyBlock("tool_use", { id, name })),
    blockDeltaEvent(index, fragmentDelta("tool_use", JSON.stringify(args))),
    blockStopEvent(index),
  ];
}

function textEvents(state: GeminiStreamState, text: string): StreamEvent[] {
  return [
    ...ensureOpen(state, "text"),
    blockDeltaEvent(state.open!.index, fragmentDelta("text", text)),
    ...closeOpen(state),
  ];
}

function messageStart(state: GeminiStreamState): StreamEvent {
  return messageStartEvent({
    id: messageId(state.opts.idFactory),
    model: state.opts.model,
    usage: geminiUsageToAnthropic(state.usage),
  });
}

function messageEnd(state: GeminiStreamState, stopReason: StopReason): StreamEvent[] {
  state.done = true;
  return [messageDeltaEvent(stopReason, geminiUsageToAnthropic(state.usage)), messageStopEvent()];
}

/** Closes what is open and ends the stream with an error event. */
function terminate(state: GeminiStreamState, error: ErrorEvent): StreamEvent[] {
  if (state.done) return [];
  const events = closeOpen(state);
  state.done = true;
  return [...events, error];
}

function apiError(message: string): ErrorEvent {
  return anthropicErrorEvent("api_error", message);
}

function errorEvent(err: unknown): ErrorEvent {
  return err instanceof CcmuxError ? thrownErrorEvent(err) : thrownErrorEvent(err, "Gemini stream failed: ");
}
