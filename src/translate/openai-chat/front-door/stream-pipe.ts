import type { StreamEvent } from "../../../contracts/anthropic.ts";
import { errorEvent, thrownErrorEvent } from "../../../stream/event-writer.ts";
import { pumpSse } from "../../../stream/pipeline.ts";
import type { OpenAIChunkTranslator } from "./stream.ts";

const encoder = new TextEncoder();

/** Anthropic SSE bytes → OpenAI SSE bytes through an OpenAIChunkTranslator. Cancel propagates upstream. */
export function translateToOpenAISse<S>(
  body: ReadableStream<Uint8Array>,
  translator: OpenAIChunkTranslator<S>,
): ReadableStream<Uint8Array> {
  const state = translator.init();
  return pumpSse<string>(body, {
    step: (msg) => translator.step(state, parseEvent(msg.data)),
    finish: () => translator.finish(state),
    fail: (err) => [
      ...translator.step(state, thrownErrorEvent(err, "upstream stream failed: ")),
      ...translator.finish(state),
    ],
    encode: (lines) => encoder.encode(lines.join("")),
  });
}

function parseEvent(data: string): StreamEvent {
  try {
    const event = JSON.parse(data) as StreamEvent;
    if (event && typeof event.type === "string") return event;
  } catch {
    // fall through to the error event below
  }
  return errorEvent("api_error", `upstream sent a malformed stream event: ${data.slice(0, 200)}`);
}
