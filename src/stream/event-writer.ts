// The one Anthropic event writer: every translator, the stream guard and the OpenAI front door
// build Anthropic stream events here and serialise them with `encodeEvent(s)`.
import {
  anthropicErrorBody,
  CcmuxError,
  isAnthropicErrorType,
  type AnthropicErrorType,
  type Scrub,
} from "../util/errors.ts";
import type {
  BlockDelta,
  ContentBlock,
  ContentBlockDeltaEvent,
  ContentBlockStartEvent,
  ContentBlockStopEvent,
  ErrorEvent,
  MessageDeltaEvent,
  MessageStartEvent,
  MessageStopEvent,
  StopReason,
  StreamEvent,
  Usage,
} from "../contracts/anthropic.ts";

export interface MessageStartInit {
  id: string;
  model: string;
  usage: Partial<Usage>;
}

export function messageStartEvent(init: MessageStartInit): MessageStartEvent {
  const message = {
    id: init.id,
    type: "message" as const,
    role: "assistant" as const,
    model: init.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: init.usage,
  };
  return { type: "message_start", message };
}

export function blockStartEvent(index: number, block: ContentBlock): ContentBlockStartEvent {
  return { type: "content_block_start", index, content_block: block };
}

export function blockDeltaEvent(index: number, delta: BlockDelta): ContentBlockDeltaEvent {
  return { type: "content_block_delta", index, delta };
}

/** What a streamed block holds: the kinds every translator opens. */
export type StreamedKind = "text" | "thinking" | "tool_use";

/** The delta that carries `fragment` in a block of this kind. */
export function fragmentDelta(kind: StreamedKind, fragment: string): BlockDelta {
  if (kind === "text") return { type: "text_delta", text: fragment };
  if (kind === "thinking") return { type: "thinking_delta", thinking: fragment };
  return { type: "input_json_delta", partial_json: fragment };
}

/** The empty block a content_block_start opens; a tool_use needs its id and name. */
export function emptyBlock(kind: StreamedKind, tool?: { id: string; name: string }): ContentBlock {
  if (kind === "text") return { type: "text", text: "" };
  if (kind === "thinking") return { type: "thinking", thinking: "", signature: "" };
  return { type: "tool_use", id: tool?.id ?? "", name: tool?.name ?? "", input: {} };
}

export function blockStopEvent(index: number): ContentBlockStopEvent {
  return { type: "content_block_stop", index };
}

export function messageDeltaEvent(
  stopReason: StopReason | null,
  usage: Partial<Usage>,
  stopSequence: string | null = null,
): MessageDeltaEvent {
  return { type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: stopSequence }, usage };
}

export function messageStopEvent(): MessageStopEvent {
  return { type: "message_stop" };
}

/**
 * An `error` event. It is the JSON error envelope itself (`{"type":"error","error":{…}}`), built by
 * the same function, so a stream's error and a JSON error are scrubbed in the same place.
 */
export function errorEvent(type: AnthropicErrorType, message: string, scrub?: Scrub): ErrorEvent {
  return { ...anthropicErrorBody(type, message, scrub) };
}

/** An `error` event for a thrown error (its type from the error, else api_error); `prefix` leads the message. */
export function thrownErrorEvent(err: unknown, prefix = "", scrub?: Scrub): ErrorEvent {
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
  const type = isAnthropicErrorType(parsed?.error?.type) ? parsed.error.type : "api_error";
  const message = typeof parsed?.error?.message === "string" ? parsed.error.message : data;
  return encodeEvent(errorEvent(type, message, scrub)).slice(0, -2);
}
