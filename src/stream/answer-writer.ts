import type { MessageResponse, StreamEvent } from "../contracts/anthropic.ts";
import { encodeEvents } from "./event-writer.ts";

/** Encodes one streamed answer in the client's API, a batch of Anthropic events at a time. */
export interface EventEncoder {
  encode(events: StreamEvent[]): Uint8Array;
  /** What follows the stream's last event (its `message_stop` or `error`). */
  end(): Uint8Array;
}

/**
 * How the API the client called writes an answer; each edge route owns one, and the answer is
 * encoded with it exactly once.
 */
export interface AnswerWriter {
  /** The client speaks Anthropic: an Anthropic-compatible upstream's bytes go out untouched. */
  readonly anthropic: boolean;
  stream(): EventEncoder;
  /** A whole answer as the JSON body the client expects. */
  message(message: MessageResponse): unknown;
}

const NOTHING = new Uint8Array(0);

/** The Messages API's own writer: events as Anthropic SSE, messages as they are. */
export const anthropicWriter: AnswerWriter = {
  anthropic: true,
  stream: () => ({ encode: encodeEvents, end: () => NOTHING }),
  message: (message) => message,
};
