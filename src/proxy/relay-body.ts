import { DEFAULT_PING_INTERVAL_MS } from "../config/schema.ts";
import { healthKey } from "../providers/health.ts";
import { isEventStream } from "../providers/http.ts";
import { guardSseStream } from "../stream/sse-guard.ts";
import { toAnthropicError } from "../util/errors.ts";
import type { AppDeps } from "./deps.ts";
import { secretScrubber } from "./secret-scrub.ts";

/**
 * The body to relay for a provider's answer. SSE answers (pass-through or translated) go through
 * the guard: keep-alive pings during long silences, and a clean `error` event when the upstream
 * breaks or stops short. A failure mid-stream counts against the provider's health and is
 * reported through `onFailure` for the request log line.
 */
export interface RelayHooks {
  /** `errorType` is the Anthropic error type sent to the client, or "stream_truncated". */
  onFailure(why: string, errorType: string): void;
  onOutput?(bytes: Uint8Array): void;
  onEnd?(outcome: "ok" | "aborted"): void;
  /** The client already had pings (a held stream): keep sending them before the first event too. */
  held?: boolean;
}

export function relayBody(
  response: Response,
  provider: string,
  deps: AppDeps,
  hooks: RelayHooks,
): ReadableStream<Uint8Array> | null {
  if (!response.body || !isEventStream(response.headers)) return response.body;
  const key = healthKey(provider);
  const onFailure = hooks.onFailure;
  return guardSseStream(response.body, {
    pingIntervalMs: deps.config.server.timeouts.ping_interval_ms ?? DEFAULT_PING_INTERVAL_MS,
    scrub: secretScrubber(deps),
    pingBeforeFirstEvent: hooks.held,
    onOutput: hooks.onOutput,
    onEnd: hooks.onEnd,
    onUpstreamError(err) {
      const { body } = toAnthropicError(err);
      deps.log.warn(`${provider}: stream failed mid-way: ${body.error.message}`);
      deps.health.failed(key, err, false);
      onFailure(`stream failed: ${body.error.type}`, body.error.type);
    },
    onTruncated() {
      deps.log.warn(`${provider}: stream ended before message_stop`);
      onFailure("stream ended before message_stop", "stream_truncated");
    },
  });
}
