import { errorFromEvent } from "../translate/anthropic/assemble.ts";
import type { StreamEvent } from "../contracts/anthropic.ts";
import { translateSseStream, type StreamTranslator } from "../stream/pipeline.ts";

/** Events after which the answer is under way: from here on a failure is an in-stream `error` event. */
const CONTENT_EVENTS = new Set(["content_block_start", "content_block_delta", "message_delta", "message_stop"]);

/**
 * Translates an upstream stream, holding it back until the answer's first content. An `error`
 * event before that (a `response.failed` or a Google error chunk as the first thing sent)
 * rejects with its UpstreamError instead, so failover can still try the next provider.
 */
export async function translateHoldingStart<S>(
  body: ReadableStream<Uint8Array>,
  translator: StreamTranslator<S>,
): Promise<ReadableStream<Uint8Array>> {
  let started = false;
  let early: StreamEvent | undefined;
  const onEvent = (event: StreamEvent) => {
    if (started || early) return;
    if (event.type === "error") early = event;
    else if (CONTENT_EVENTS.has(event.type)) started = true;
  };
  const reader = translateSseStream(body, translator, { onEvent }).getReader();
  const held: Uint8Array[] = [];
  while (!started && !early) {
    const { done, value } = await reader.read();
    if (done) break;
    held.push(value);
  }
  if (early && !started) {
    reader.cancel().catch(() => {});
    throw errorFromEvent(early.error);
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = held.shift();
      if (next) return controller.enqueue(next);
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** Runs a whole upstream stream through a translator and returns its Anthropic events (stream-only upstreams, non-streaming clients). */
export async function collectTranslated<S>(
  body: ReadableStream<Uint8Array>,
  translator: StreamTranslator<S>,
): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  await translateSseStream(body, translator, { onEvent: (e) => void events.push(e) }).pipeTo(new WritableStream());
  return events;
}
