import type { MessageStartEvent, StreamEvent } from "../../contracts/anthropic.ts";
import type { StreamTranslator } from "../../stream/pipeline.ts";

/**
 * Chat Completions and Responses count input tokens only at the end of a stream, so their
 * message_start said 0 and clients that read input tokens there (LangChain's ChatAnthropic) saw 0.
 * A message_start without an input count gets ccmux's estimate; message_delta keeps the exact one.
 */
export function withInputEstimate<S>(
  translator: StreamTranslator<S>,
  estimate: number | undefined,
): StreamTranslator<S> {
  if (!estimate || estimate <= 0) return translator;
  const fill = (events: StreamEvent[]) => {
    for (const event of events) if (event.type === "message_start") fillStart(event, estimate);
    return events;
  };
  return {
    ...translator,
    step: (state, msg) => fill(translator.step(state, msg)),
    finish: (state) => fill(translator.finish(state)),
    fail: (state, err) => fill(translator.fail(state, err)),
  };
}

function fillStart(event: MessageStartEvent, estimate: number): void {
  const { message } = event;
  if (!message.usage.input_tokens) message.usage = { ...message.usage, input_tokens: estimate };
}
