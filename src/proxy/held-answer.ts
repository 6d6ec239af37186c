import { DEFAULT_PING_INTERVAL_MS } from "../config/schema.ts";
import type { MessagesRequest } from "../contracts/anthropic.ts";
import { encodeEvent, encodeEvents, errorEvent } from "../stream/event-writer.ts";
import { isMessage, messageEvents } from "../stream/message-events.ts";
import { pingUntil } from "../stream/ping-hold.ts";
import { sseHeaders } from "../stream/sse.ts";
import { ClientAbort, toAnthropicError, UpstreamError } from "../util/errors.ts";
import type { AppDeps } from "./deps.ts";
import { scrubError, secretScrubber } from "./secret-scrub.ts";
import { finishFailed, type RequestTrace } from "./request-trace.ts";

const encoder = new TextEncoder();

/**
 * How long a streamed request may wait for its answer before ccmux commits to a 200 and starts
 * sending pings: one `ping_interval_ms`. 0 (pings off, or a non-streaming client) never commits early.
 */
export function holdCommitMs(deps: AppDeps, req: MessagesRequest): number {
  if (req.stream !== true) return 0;
  return deps.config.server.timeouts.ping_interval_ms ?? DEFAULT_PING_INTERVAL_MS;
}

/** A body of one chunk. */
export function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** After the commit, a whole JSON message (an upstream that ignored `stream`) goes out as its events. */
export function jsonAsEvents(bytes: Uint8Array): Uint8Array {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    body = undefined;
  }
  if (isMessage(body)) return encodeEvents(messageEvents(body));
  throw new UpstreamError({
    status: 502,
    message: "the upstream answered a streamed request with a body that is not an Anthropic message",
    retryable: true,
  });
}

/**
 * After the commit, every provider failed: the request is logged and published as a failure, and
 * the client gets one `error` event built from the one error envelope (scrubbed), or nothing more
 * when it has gone away.
 */
export function failedAfterCommit(trace: RequestTrace, err: unknown): ReadableStream<Uint8Array> | null {
  const { deps } = trace;
  finishFailed(trace, err);
  if (err instanceof ClientAbort) return null;
  scrubError(err, deps);
  const { status, body } = toAnthropicError(err);
  deps.log.warn(`${trace.endpoint} → ${status} after the stream had started: ${body.error.message}`);
  const event = errorEvent(body.error.type, body.error.message, secretScrubber(deps));
  return bytesStream(encoder.encode(encodeEvent(event)));
}

/**
 * The deferred commit: a 200 `text/event-stream` with the headers known before any provider has
 * answered (the route), pings every `pingMs` while failover goes on, then the body `next` brings.
 * The client leaving aborts `control`, which the failover's signal follows.
 */
export function heldResponse(
  route: string,
  next: Promise<ReadableStream<Uint8Array> | null>,
  pingMs: number,
  control: AbortController,
): Response {
  const body = pingUntil(next, pingMs, () => control.abort());
  return new Response(body, { status: 200, headers: sseHeaders({ "x-ccmux-route": route }) });
}
