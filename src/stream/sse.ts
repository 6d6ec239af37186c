import { EventSourceParserStream, type EventSourceMessage } from "eventsource-parser/stream";
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
