import type { StreamTranslator } from "../../src/stream/pipeline.ts";
import { translatedEvents } from "../../src/stream/translated-events.ts";
import { encodeEvents } from "../../src/stream/event-writer.ts";
import { relayEvents } from "../../src/stream/event-relay.ts";
import { anthropicEventReader } from "../../src/translate/anthropic/event-reader.ts";
import { frontDoorEncoder, type SseTextTranslator } from "../../src/translate/shared/front-door-sse.ts";

/** An upstream SSE body through a dialect's translator, as Anthropic SSE bytes (what the translator alone produces). */
export function translatedSse<S>(
  body: ReadableStream<Uint8Array>,
  translator: StreamTranslator<S>,
): ReadableStream<Uint8Array> {
  const events = translatedEvents(body, translator);
  return new ReadableStream({
    async pull(controller) {
      const batch = await events.read();
      if (batch) controller.enqueue(encodeEvents(batch));
      else controller.close();
    },
    cancel: (reason) => events.cancel(reason),
  });
}

/** Anthropic SSE bytes read and relayed to a front door's client, as the proxy does for a pass-through answer. */
export function frontDoorSse<S>(
  body: ReadableStream<Uint8Array>,
  translator: SseTextTranslator<S>,
): ReadableStream<Uint8Array> {
  return relayEvents(translatedEvents(body, anthropicEventReader()), {
    encoder: frontDoorEncoder(translator),
    pingIntervalMs: 0,
  });
}
