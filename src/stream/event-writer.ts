// The one Anthropic event writer: every translator, the stream guard and the OpenAI front door
// build Anthropic stream events here and serialise them with `encodeEvent(s)`.
import { anthropicErrorBody, CcmuxError, type AnthropicErrorType, type Scrub } from "../util/errors.ts";
import type { StreamEvent, Usage } from "../contracts/anthropic.ts";

export interface MessageStartInit {
  id: string;
  model: string;
  usage: Partial<Usage>;
}

export function messageStartEvent(init: MessageStartInit): StreamEvent {
  const message = {
    id: init.id,
    type: "message",
    role: "assistant",
    model: init.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: init.usage,
  };
  return { type: "message_start", message };
}

export function blockStartEvent(index: number, block: Record<string, unknown>): StreamEvent {
  return { type: "content_block_start", index, content_block: block };
}

export function blockDeltaEvent(index: number, delta: Record<string, unknown>): StreamEvent {
  return { type: "content_block_delta", index, delta };
}

export function blockStopEvent(index: number): StreamEvent {
  return { type: "content_block_stop", index };
}

export function messageDeltaEvent(
  stopReason: string | null,
  usage: Partial<Usage>,
  stopSequence: string | null = null,
): StreamEvent {
  return { type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: stopSequence }, usage };
}

export function messageStopEvent(): StreamEvent {
  return { type: "message_stop" };
}

/**
 * An `error` event. It is the JSON error envelope itself (`{"type":"error","error":{…}}`), built by
 * the same function, so a stream's error and a JSON error are scrubbed in the same place.
 */
export function errorEvent(type: AnthropicErrorType, message: string, scrub?: Scrub): StreamEvent {
  return { ...anthropicErrorBody(type, message, scrub) };
}

/** An `error` event for a thrown error (its type from the error, else api_error); `prefix` leads the message. */
export function thrownErrorEvent(err: unknown, prefix = "", scrub?: Scrub): StreamEvent {
  const type = err instanceof CcmuxError ? err.type : "api_error";
  const message = err instanceof Error ? err.message : String(err);
  return errorEvent(type, prefix + message, scrub);
}

/** Serialises one event with its `event:` line (Claude Code drops events without one). */
export function encodeEvent(event: StreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

const encoder = new TextEncoder();

export function encodeEvents(events: StreamEvent[]): Uint8Array {
  let text = "";
  for (const e of events) text += encodeEvent(e);
  return encoder.encode(text);
}

export const PING_FRAME = encoder.encode(encodeEvent({ type: "ping" }));

/**
 * One `event: error` SSE frame from an upstream (without its blank line), rebuilt through
 * `errorEvent` so its message is scrubbed; a frame with nothing to scrub is returned as it is. A
 * frame whose data is not an error object is rebuilt as an api_error carrying its (scrubbed) text.
 */
export function rescrubErrorFrame(frame: string, scrub: Scrub): string {
  if (scrub(frame) === frame) return frame;
  const data = frame
    .split(/\r?\n/)
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(line.startsWith("data: ") ? 6 : 5))
    .join("\n");
  let parsed: { error?: { type?: unknown; message?: unknown } } | undefined;
  try {
    parsed = JSON.parse(data);
  } catch {
    parsed = undefined;
  }
  const type = typeof parsed?.error?.type === "string" ? (parsed.error.type as AnthropicErrorType) : "api_error";
  const message = typeof parsed?.error?.message === "string" ? parsed.error.message : data;
  return encodeEvent(errorEvent(type, message, scrub)).slice(0, -2);
}
