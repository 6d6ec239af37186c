import { errorFromEvent } from "../translate/anthropic/assemble.ts";
import type { AnthropicEvents } from "../contracts/adapter.ts";
import type { ErrorEvent, StreamEvent } from "../contracts/anthropic.ts";
import type { TimeoutsConfig } from "../config/types.ts";
import { withHeldBatches } from "../stream/translated-events.ts";
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
 * Reads a translated stream ahead until the answer's first content, and gives it back with what
 * was read. An `error` event before that (a `response.failed` or a Google error chunk as the first
 * thing sent) rejects with its UpstreamError instead, so failover can still try the next provider,
 * and so does a stream with no content within `bound.ms` (keep-alive comments, blank chunks).
 */
export async function holdUntilContent(events: AnthropicEvents, bound: FirstContentBound): Promise<AnthropicEvents> {
  let early: ErrorEvent | undefined;
  const first = firstContentTimer(bound, () => void events.cancel(noContent(bound)).catch(() => {}));
  const held: StreamEvent[][] = [];
  try {
    while (!first.started() && !early && !first.expired()) {
      const batch = await events.read();
      if (!batch) break;
      held.push(batch);
      for (const event of batch) {
        if (first.started() || early) break;
        if (event.type === "error") early = event;
        else first.see(event);
      }
    }
  } finally {
    first.clear();
  }
  if (first.expired()) throw noContent(bound);
  if (early && !first.started()) {
    events.cancel().catch(() => {});
    throw errorFromEvent(early.error);
  }
  return withHeldBatches(events, held);
}

/**
 * Reads a whole translated stream into its Anthropic events (stream-only upstreams, non-streaming
 * clients); no content within `bound.ms` rejects, as when holding.
 */
export async function collectEvents(events: AnthropicEvents, bound: FirstContentBound): Promise<StreamEvent[]> {
  const all: StreamEvent[] = [];
  const first = firstContentTimer(bound, () => void events.cancel(noContent(bound)).catch(() => {}));
  try {
    for (let batch = await events.read(); batch; batch = await events.read()) {
      for (const event of batch) first.see(event);
      all.push(...batch);
    }
  } finally {
    first.clear();
  }
  if (first.expired()) throw noContent(bound);
  return all;
}
