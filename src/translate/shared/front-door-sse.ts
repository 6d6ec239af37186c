import type { StreamEvent } from "../../contracts/anthropic.ts";
import type { EventEncoder } from "../../stream/answer-writer.ts";

/** A front door's stream translator: Anthropic events in, the client dialect's SSE text out. */
export interface SseTextTranslator<S> {
  init(): S;
  step(state: S, event: StreamEvent): string[];
  /** End of the Anthropic stream; reports a missing message_stop as an error in the client's dialect. */
  finish(state: S): string[];
}

const encoder = new TextEncoder();

/** One front-door answer's encoder: typed Anthropic events → the client dialect's SSE bytes. */
export function frontDoorEncoder<S>(translator: SseTextTranslator<S>): EventEncoder {
  const state = translator.init();
  return {
    encode(events) {
      let text = "";
      for (const event of events) for (const line of translator.step(state, event)) text += line;
      return encoder.encode(text);
    },
    end: () => encoder.encode(translator.finish(state).join("")),
  };
}
