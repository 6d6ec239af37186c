import { DEFAULT_PING_INTERVAL_MS } from "../config/schema.ts";
import type { MessagesRequest } from "../contracts/anthropic.ts";
import type { EventEncoder } from "../stream/answer-writer.ts";
import { errorEvent } from "../stream/event-writer.ts";
import { pingUntil } from "../stream/ping-hold.ts";
import { sseHeaders } from "../stream/sse.ts";
import { ClientAbort, toAnthropicError } from "../util/errors.ts";
import type { AppDeps } from "./deps.ts";
import { scrubError, secretScrubber } from "./secret-scrub.ts";
import { finishFailed, type RequestTrace } from "./request-trace.ts";
import { bytesStream } from "./answer-body.ts";
import { concatBytes } from "../util/bytes.ts";

/**
 * How long a streamed request may wait for its answer before ccmux commits to a 200 and starts
 * sending pings: one `ping_interval_ms`. 0 (pings off, or a non-streaming client) never commits early.
 */
export function holdCommitMs(deps: AppDeps, req: MessagesRequest): number {
  if (req.stream !== true) return 0;
  return deps.config.server.timeouts.ping_interval_ms ?? DEFAULT_PING_INTERVAL_MS;
}

/**
 * After the commit, every provider failed: the request is logged and published as a failure, and
 * the client gets one `error` event built from the one error envelope (scrubbed), or nothing more
 * when it has gone away.
 */
export function failedAfterCommit(
  trace: RequestTrace,
  err: unknown,
  encoder: EventEncoder,
): ReadableStream<Uint8Array> | null {
  const { deps } = trace;
  finishFailed(trace, err, 200);
  if (err instanceof ClientAbort) return null;
  scrubError(err, deps);
  const { status, body } = toAnthropicError(err);
  deps.log.warn(`${trace.endpoint}: failed with ${status} after its 200 and pings went out: ${body.error.message}`);
  const event = errorEvent(body.error.type, body.error.message, secretScrubber(deps));
  const bytes = encoder.encode([event]);
  return bytesStream(concatBytes(bytes, encoder.end()));
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
  encoder: EventEncoder,
): Response {
  const body = pingUntil(next, pingMs, encoder.encode([{ type: "ping" }]), () => control.abort());
  return new Response(body, { status: 200, headers: sseHeaders({ "x-ccmux-route": route }) });
}
