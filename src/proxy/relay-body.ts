import { DEFAULT_PING_INTERVAL_MS } from "../config/schema.ts";
import type { AnthropicEvents } from "../contracts/adapter.ts";
import type { StreamEvent } from "../contracts/anthropic.ts";
import { healthKey } from "../providers/health.ts";
import type { EventEncoder } from "../stream/answer-writer.ts";
import { relayEvents } from "../stream/event-relay.ts";
import { guardSseStream } from "../stream/sse-guard.ts";
import { toAnthropicError } from "../util/errors.ts";
import type { AppDeps } from "./deps.ts";
import { secretScrubber } from "./secret-scrub.ts";

/**
 * What the relay of a streamed answer reports. A failure mid-stream counts against the provider's
 * health and is reported through `onFailure` for the request log line.
 */
export interface RelayHooks {
  /** `errorType` is the Anthropic error type sent to the client, or "stream_truncated". */
  onFailure(why: string, errorType: string): void;
  onOutput?(bytes: Uint8Array): void;
  onEnd?(outcome: "ok" | "aborted"): void;
  /** The client already had pings (a held stream): keep sending them before the first event too. */
  held?: boolean;
}

/** The guard's and the relay's shared options: pings, scrubbing, and how a failure is reported. */
function failureOptions(provider: string, deps: AppDeps, hooks: RelayHooks) {
  return {
    pingIntervalMs: deps.config.server.timeouts.ping_interval_ms ?? DEFAULT_PING_INTERVAL_MS,
    scrub: secretScrubber(deps),
    pingBeforeFirstEvent: hooks.held,
    onOutput: hooks.onOutput,
    onEnd: hooks.onEnd,
    onUpstreamError(err: unknown) {
      const { body } = toAnthropicError(err);
      deps.log.warn(`${provider}: stream failed mid-way: ${body.error.message}`);
      deps.health.failed(healthKey(provider), err, false);
      hooks.onFailure(`stream failed: ${body.error.type}`, body.error.type);
    },
    onTruncated() {
      deps.log.warn(`${provider}: stream ended before message_stop`);
      hooks.onFailure("stream ended before message_stop", "stream_truncated");
    },
  };
}

/**
 * An Anthropic-compatible upstream's SSE, relayed byte for byte through the guard: keep-alive pings
 * during long silences, and a clean `error` event when the upstream breaks or stops short.
 */
export function relaySseBytes(
  body: ReadableStream<Uint8Array>,
  provider: string,
  deps: AppDeps,
  hooks: RelayHooks,
): ReadableStream<Uint8Array> {
  return guardSseStream(body, failureOptions(provider, deps, hooks));
}

/** A typed stream, encoded once in the client's API by `encoder`, with the same guarantees. */
export function relayTypedEvents(
  events: AnthropicEvents,
  encoder: EventEncoder,
  provider: string,
  deps: AppDeps,
  hooks: RelayHooks & { onEvents(events: StreamEvent[]): void },
): ReadableStream<Uint8Array> {
  return relayEvents(events, { ...failureOptions(provider, deps, hooks), encoder, onEvents: hooks.onEvents });
}
