import type { StreamEvent } from "../../contracts/anthropic.ts";
import { errorEvent } from "../../stream/event-writer.ts";
import type { StreamTranslator } from "../../stream/pipeline.ts";
import { parseAnthropicEvent } from "./schema.ts";

/** The typed event; none for a type ccmux does not read; a malformed one is an error. */
function readEvent(data: string): StreamEvent[] {
  const parsed = parseAnthropicEvent(data);
  if (!parsed) return [];
  if (parsed.ok) return [parsed.value];
  return [errorEvent("api_error", `upstream sent a malformed stream event (${parsed.problem})`)];
}

/**
 * An Anthropic-compatible upstream's SSE read as typed events, for a client that speaks another API.
 * The end of the stream and a broken body are left to the relay, which reports both.
 */
export function anthropicEventReader(): StreamTranslator<undefined> {
  return {
    init: () => undefined,
    step: (_state, msg) => readEvent(msg.data),
    finish: () => [],
    fail: () => [],
  };
}
