import type { StreamEvent } from "../translate/anthropic/types.ts";
import { decodeSse, encodeEvents, type SseMessage } from "./sse.ts";

/**
 * A pure stream translator: `step` maps one upstream SSE message to Anthropic events,
 * `finish` closes whatever is open (and reports a missing finish as an `error` event),
 * `fail` does the same after the upstream body broke. None of them may throw.
 */
export interface StreamTranslator<S> {
  init(): S;
  step(state: S, msg: SseMessage): StreamEvent[];
  finish(state: S): StreamEvent[];
  fail(state: S, err: unknown): StreamEvent[];
}

export interface PipelineHooks {
  /** Sees every event before it is encoded (usage accounting, logging). */
  onEvent?(event: StreamEvent): void;
  onEnd?(): void;
}

/** upstream SSE bytes → decode → translate → Anthropic SSE bytes. Cancel propagates upstream. */
export function translateSseStream<S>(
  body: ReadableStream<Uint8Array>,
  translator: StreamTranslator<S>,
  hooks: PipelineHooks = {},
): ReadableStream<Uint8Array> {
  const state = translator.init();
  const reader = decodeSse(body).getReader();
  let ended = false;

  const push = (controller: ReadableStreamDefaultController<Uint8Array>, events: StreamEvent[]) => {
    if (events.length === 0) return;
    if (hooks.onEvent) for (const e of events) hooks.onEvent(e);
    controller.enqueue(encodeEvents(events));
  };
  const end = (controller: ReadableStreamDefaultController<Uint8Array>, events: StreamEvent[]) => {
    ended = true;
    push(controller, events);
    hooks.onEnd?.();
    controller.close();
  };

  return new ReadableStream<Uint8Array>({
    // A pull that enqueues nothing is never called again, so keep reading until a step yields events.
    async pull(controller) {
      while (!ended) {
        let result: Awaited<ReturnType<typeof reader.read>>;
        try {
          result = await reader.read();
        } catch (err) {
          end(controller, translator.fail(state, err));
          reader.cancel(err).catch(() => {});
          return;
        }
        if (result.done) return end(controller, translator.finish(state));
        const events = translator.step(state, result.value);
        if (events.length > 0) return push(controller, events);
      }
    },
    cancel(reason) {
      ended = true;
      return reader.cancel(reason);
    },
  });
}
