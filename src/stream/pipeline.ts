import type { StreamEvent } from "../contracts/anthropic.ts";
import { decodeSse, type SseMessage } from "./sse.ts";

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
  /** The answer is complete before the upstream ended (cut at a stop string): stop reading, cancel it. */
  isDone?(state: S): boolean;
}

/** What one SSE stream is turned into, message by message; none of these may throw. */
export interface SsePump<O> {
  step(msg: SseMessage): O[];
  /** The upstream ended. */
  finish(): O[];
  /** The upstream body broke. */
  fail(err: unknown): O[];
  encode(out: O[]): Uint8Array;
  /** True once the output is complete: the pump ends and cancels the upstream. */
  done?(): boolean;
  onOutput?(out: O): void;
  onEnd?(): void;
}

/**
 * SSE bytes → decoded messages → `pump` → bytes, pulled by the consumer. Cancel propagates
 * upstream. A pull that enqueues nothing is never called again, so it reads until a step yields.
 */
export function pumpSse<O>(body: ReadableStream<Uint8Array>, pump: SsePump<O>): ReadableStream<Uint8Array> {
  const reader = decodeSse(body).getReader();
  let ended = false;
  const push = (controller: ReadableStreamDefaultController<Uint8Array>, out: O[]) => {
    if (out.length === 0) return;
    if (pump.onOutput) for (const o of out) pump.onOutput(o);
    controller.enqueue(pump.encode(out));
  };
  const end = (controller: ReadableStreamDefaultController<Uint8Array>, out: O[]) => {
    ended = true;
    push(controller, out);
    pump.onEnd?.();
    controller.close();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (!ended) {
        let result: Awaited<ReturnType<typeof reader.read>>;
        try {
          result = await reader.read();
        } catch (err) {
          end(controller, pump.fail(err));
          reader.cancel(err).catch(() => {});
          return;
        }
        if (result.done) return end(controller, pump.finish());
        const out = pump.step(result.value);
        if (pump.done?.()) {
          end(controller, out);
          reader.cancel().catch(() => {});
          return;
        }
        if (out.length > 0) return push(controller, out);
      }
    },
    cancel(reason) {
      ended = true;
      return reader.cancel(reason);
    },
  });
}
