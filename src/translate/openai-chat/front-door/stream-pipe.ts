import type { StreamEvent } from "../../anthropic/types.ts";
import { decodeSse } from "../../../stream/sse.ts";
import type { OpenAIChunkTranslator } from "./stream.ts";

const encoder = new TextEncoder();

/** Anthropic SSE bytes → OpenAI SSE bytes through an OpenAIChunkTranslator. Cancel propagates upstream. */
export function translateToOpenAISse<S>(body: ReadableStream<Uint8Array>, translator: OpenAIChunkTranslator<S>): ReadableStream<Uint8Array> {
  const state = translator.init();
  const reader = decodeSse(body).getReader();
  let ended = false;
  const emit = (controller: ReadableStreamDefaultController<Uint8Array>, lines: string[]) => {
    if (lines.length > 0) controller.enqueue(encoder.encode(lines.join("")));
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (!ended) {
        let result: Awaited<ReturnType<typeof reader.read>>;
        try {
          result = await reader.read();
        } catch (err) {
          result = { done: true, value: undefined };
          emit(controller, translator.step(state, { type: "error", error: { type: "api_error", message: `upstream stream failed: ${String(err)}` } }));
        }
        if (result.done) {
          ended = true;
          emit(controller, translator.finish(state));
          return controller.close();
        }
        const lines = translator.step(state, parseEvent(result.value.data));
        if (lines.length > 0) return emit(controller, lines);
      }
    },
    cancel(reason) {
      ended = true;
      return reader.cancel(reason);
    },
  });
}

function parseEvent(data: string): StreamEvent {
  try {
    const event = JSON.parse(data) as StreamEvent;
    if (event && typeof event.type === "string") return event;
  } catch {
    // fall through to the error event below
  }
  return { type: "error", error: { type: "api_error", message: `upstream sent a malformed stream event: ${data.slice(0, 200)}` } };
}
