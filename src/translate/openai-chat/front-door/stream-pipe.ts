import type { StreamEvent } from "../../../contracts/anthropic.ts";
import { errorEvent, thrownErrorEvent } from "../../../stream/event-writer.ts";
import { pumpSse } from "../../../stream/pipeline.ts";
import type { OpenAIChunkTranslator } from "./stream.ts";
import { parseAnthropicEvent } from "../../anthropic/schema.ts";

const encoder = new TextEncoder();

/** Anthropic SSE bytes → OpenAI SSE bytes through an OpenAIChunkTranslator. Cancel propagates upstream. */
export function translateToOpenAISse<S>(
  body: ReadableStream<Uint8Array>,
  translator: OpenAIChunkTranslator<S>,
): ReadableStream<Uint8Array> {
  const state = translator.init();
  return pumpSse<string>(body, {
    step: (msg) => {
      const event = readEvent(msg.data);
      return event ? translator.step(state, event) : [];
    },
    finish: () => translator.finish(state),
    fail: (err) => [
      ...translator.step(state, thrownErrorEvent(err, "upstream stream failed: ")),
      ...translator.finish(state),
    ],
    encode: (lines) => encoder.encode(lines.join("")),
  });
}

/** The typed event; undefined for a type the front door does not read; a malformed one is an error. */
function readEvent(data: string): StreamEvent | undefined {
  const parsed = parseAnthropicEvent(data);
  if (!parsed || parsed.ok) return parsed?.value;
  return errorEvent("api_error", `upstream sent a malformed stream event (${parsed.problem})`);
}
