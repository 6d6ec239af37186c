import type { StreamEvent } from "../../contracts/anthropic.ts";
import { errorEvent, thrownErrorEvent } from "../../stream/event-writer.ts";
import { pumpSse } from "../../stream/pipeline.ts";
import { parseAnthropicEvent } from "../anthropic/schema.ts";

/** A front door's stream translator: Anthropic events in, the client dialect's SSE text out. */
export interface SseTextTranslator<S> {
  init(): S;
  step(state: S, event: StreamEvent): string[];
  /** End of the Anthropic stream; reports a missing message_stop as an error in the client's dialect. */
  finish(state: S): string[];
}

const encoder = new TextEncoder();

/** Anthropic SSE bytes → a front door's SSE bytes (Chat Completions chunks, Responses events). Cancel propagates upstream. */
export function translateFrontDoorSse<S>(
  body: ReadableStream<Uint8Array>,
  translator: SseTextTranslator<S>,
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
