import { errorFromEvent } from "../translate/anthropic/assemble.ts";
import type { ErrorEvent, StreamEvent } from "../contracts/anthropic.ts";
import type { TimeoutsConfig } from "../config/types.ts";
import { translateSseStream, type StreamTranslator } from "../stream/pipeline.ts";
import { UpstreamError } from "../util/errors.ts";

/** Events after which the answer is under way: from here on a failure is an in-stream `error` event. */
const CONTENT_EVENTS = new Set(["content_block_start", "content_block_delta", "message_delta", "message_stop"]);

/** How long a translated stream may go from its headers to its first content event, and whose it is. */
export interface FirstContentBound {
  ms: number;
  provider: string;
}

/** `first_event_timeout_ms`, or `api_timeout_ms` when it is unset. */
export function firstEventTimeout(timeouts: TimeoutsConfig): number {
  return timeouts.first_event_timeout_ms ?? timeouts.api_timeout_ms;
}

function noContent(bound: FirstContentBound): UpstreamError {
  return new UpstreamError({
    status: 504,
    message: `${bound.provider}: no content within ${bound.ms} ms of the stream's start (only keep-alives or empty chunks)`,
    provider: bound.provider,
    retryable: true,
  });
}

/** Runs `expire` once `bound.ms` pass before a content event is seen. */
function firstContentTimer(bound: FirstContentBound, expire: () => void) {
  let started = false;
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    expire();
  }, bound.ms);
  return {
    see(event: StreamEvent): void {
      if (started || !CONTENT_EVENTS.has(event.type)) return;
      started = true;
      clearTimeout(timer);
    },
    started: () => started,
    expired: () => expired && !started,
    clear: () => clearTimeout(timer),
  };
}

/**
 * Translates an upstream stream, holding it back until the answer's first content. An `error`
 * event before that (a `response.failed` or a Google error chunk as the first thing sent)
 * rejects with its UpstreamError instead, so failover can still try the next provider, and so
 * does a stream with no content within `bound.ms` (keep-alive comments, blank chunks).
 */
export async function translateHoldingStart<S>(
  body: ReadableStream<Uint8Array>,
  translator: StreamTranslator<S>,
  bound: FirstContentBound,
): Promise<ReadableStream<Uint8Array>> {
  let early: ErrorEvent | undefined;
  let reader!: ReadableStreamDefaultReader<Uint8Array>;
  const first = firstContentTimer(bound, () => void reader.cancel(noContent(bound)).catch(() => {}));
  const onEvent = (event: StreamEvent) => {
    if (first.started() || early) return;
    if (event.type === "error") early = event;
    else first.see(event);
  };
  reader = translateSseStream(body, translator, { onEvent }).getReader();
  const held: Uint8Array[] = [];
  try {
    while (!first.started() && !early && !first.expired()) {
      const { done, value } = await reader.read();
      if (done) break;
      held.push(value);
    }
  } finally {
    first.clear();
  }
  if (first.expired()) throw noContent(bound);
  if (early && !first.started()) {
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

/**
 * Runs a whole upstream stream through a translator and returns its Anthropic events (stream-only
 * upstreams, non-streaming clients); no content within `bound.ms` rejects, as when holding.
 */
export async function collectTranslated<S>(
  body: ReadableStream<Uint8Array>,
  translator: StreamTranslator<S>,
  bound: FirstContentBound,
): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  const abort = new AbortController();
  const first = firstContentTimer(bound, () => abort.abort());
  const onEvent = (event: StreamEvent) => {
    first.see(event);
    events.push(event);
  };
  try {
    await translateSseStream(body, translator, { onEvent }).pipeTo(new WritableStream(), { signal: abort.signal });
  } catch (err) {
    if (first.expired()) throw noContent(bound);
    throw err;
  } finally {
    first.clear();
  }
  return events;
}
