import { EventSourceParserStream, type EventSourceMessage } from "eventsource-parser/stream";
import type { StreamEvent } from "../contracts/anthropic.ts";

const encoder = new TextEncoder();

/** Serialises one Anthropic event with its `event:` line (Claude Code drops events without one). */
export function encodeEvent(event: StreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function encodeEvents(events: StreamEvent[]): Uint8Array {
  let text = "";
  for (const e of events) text += encodeEvent(e);
  return encoder.encode(text);
}

export type SseMessage = EventSourceMessage;

/** Bytes → SSE messages. Handles CRLF framing and splits anywhere, UTF-8 included. */
export function decodeSse(body: ReadableStream<Uint8Array>): ReadableStream<SseMessage> {
  return body
    .pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
    .pipeThrough(new EventSourceParserStream());
}

export function sseHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    ...extra,
  };
}
