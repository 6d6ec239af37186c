import { watchBody } from "../stream/watchdog.ts";
import { readCappedBody } from "./body-cap.ts";
import {
  headerBytes,
  MAX_RELAYED_HEADER_BYTES,
  MAX_UPSTREAM_HEADER_BYTES,
  oversizedHeaders,
} from "../util/header-size.ts";
import { ClientAbort, UpstreamError } from "../util/errors.ts";
import { redact } from "../util/log.ts";
import { isRedirect, NO_REDIRECTS, refusedRedirect } from "../util/redirect.ts";
import type { ErrorMapper, SendContext } from "../contracts/adapter.ts";

/**
 * The upstream response headers a client may see: the body's type, request ids, retry advice and
 * rate-limit state (Claude Code reads `anthropic-ratelimit-unified-*`). Anything else (cookies,
 * tracing, hop-by-hop and encoding headers, whatever an upstream chose to echo) stays behind.
 */
const RELAYED_HEADERS = new Set([
  "content-type",
  "request-id",
  "x-request-id",
  "retry-after",
  "retry-after-ms",
  "x-should-retry",
  "anthropic-organization-id",
]);
const RELAYED_PREFIXES = ["anthropic-ratelimit-", "x-ratelimit-"];

function isRelayed(name: string): boolean {
  return RELAYED_HEADERS.has(name) || RELAYED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * The allow-listed upstream response headers, minus any value shaped like a credential. Together
 * larger than MAX_RELAYED_HEADER_BYTES (8 KB), they are an upstream fault (a retryable 502).
 */
export function relayHeaders(upstream: Headers, provider: string): Headers {
  const out = new Headers();
  upstream.forEach((value, key) => {
    if (isRelayed(key) && redact(value) === value) out.append(key, value);
  });
  if (headerBytes(out) > MAX_RELAYED_HEADER_BYTES) throw oversizedHeaders(provider, MAX_RELAYED_HEADER_BYTES);
  return out;
}

const MAX_ERROR_BODY = 64 * 1024;

async function readErrorBody(res: Response): Promise<string> {
  try {
    const text = await res.text();
    return text.length > MAX_ERROR_BODY ? text.slice(0, MAX_ERROR_BODY) : text;
  } catch {
    return "";
  }
}

function describeCause(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: string }).code;
  return code ? `${code}: ${err.message}` : err.message;
}

export function isEventStream(headers: Headers): boolean {
  return /^text\/event-stream/i.test(headers.get("content-type") ?? "");
}

function bodyError(err: unknown, ctx: SendContext, provider: string): Error {
  if (ctx.signal.aborted) return new ClientAbort();
  if (err instanceof UpstreamError) return err;
  return new UpstreamError({
    status: 502,
    message: `${provider}: upstream connection lost mid-body (${describeCause(err)})`,
    provider,
    retryable: true,
  });
}

function stalled(provider: string, ms: number, abort: AbortController): UpstreamError {
  abort.abort();
  return new UpstreamError({
    status: 504,
    message: `${provider}: upstream stream stalled for ${ms} ms`,
    provider,
    retryable: true,
  });
}

/** An SSE body, watched: it may stay silent for `idle_timeout_ms`; a stall aborts the upstream. */
function watchedStream(
  res: Response,
  body: ReadableStream<Uint8Array>,
  ctx: SendContext,
  provider: string,
  abort: AbortController,
): Response {
  const idleMs = ctx.timeouts.idle_timeout_ms;
  const watched = watchBody(body, {
    idleMs,
    onStall: () => stalled(provider, idleMs, abort),
    mapError: (err) => bodyError(err, ctx, provider),
  });
  return new Response(watched, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/**
 * Any other body (a whole JSON answer, an error) is read at once, within a second `api_timeout_ms`
 * counted from the headers and at most `max_upstream_body_mb` long: every adapter needs all of it
 * anyway, and reading it natively (when its length is declared) spares a JS stream per chunk.
 */
async function wholeBody(res: Response, ctx: SendContext, provider: string, abort: AbortController): Promise<Response> {
  const ms = ctx.timeouts.api_timeout_ms;
  const capBytes = ctx.limits.max_upstream_body_mb * 1024 * 1024;
  const deadline = abortAfter(ms, abort);
  try {
    const bytes = await readCappedBody(res, capBytes, provider);
    return new Response(bytes, { status: res.status, statusText: res.statusText, headers: res.headers });
  } catch (err) {
    throw deadline.fired() ? stalled(provider, ms, abort) : bodyError(err, ctx, provider);
  } finally {
    deadline.clear();
  }
}

/** Aborts `abort` after `ms` unless cleared first; `fired()` tells which happened. */
function abortAfter(ms: number, abort: AbortController): { fired(): boolean; clear(): void } {
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    abort.abort();
  }, ms);
  return { fired: () => fired, clear: () => clearTimeout(timer) };
}

function watchedResponse(
  res: Response,
  ctx: SendContext,
  provider: string,
  abort: AbortController,
): Promise<Response> | Response {
  if (!res.body) return res;
  return isEventStream(res.headers)
    ? watchedStream(res, res.body, ctx, provider, abort)
    : wholeBody(res, ctx, provider, abort);
}

/**
 * fetch with ccmux's failure semantics: the client's abort is a ClientAbort, no response
 * headers within `api_timeout_ms` is a retryable 504, a connection failure a retryable 502
 * (the connect timeout is enforced by the connect gate wrapped around `ctx.fetch`), a body that
 * stalls is aborted by the watchdog, and a non-2xx status goes through the dialect's error mapper.
 */
export async function upstreamFetch(
  url: string,
  init: RequestInit,
  ctx: SendContext,
  provider: string,
  mapError: ErrorMapper,
): Promise<Response> {
  const abort = new AbortController();
  const timeoutMs = ctx.timeouts.api_timeout_ms;
  const firstByte = abortAfter(timeoutMs, abort);
  let res: Response;
  try {
    res = await ctx.fetch(url, { ...init, ...NO_REDIRECTS, signal: AbortSignal.any([ctx.signal, abort.signal]) });
  } catch (err) {
    if (ctx.signal.aborted) throw new ClientAbort();
    if (firstByte.fired()) {
      throw new UpstreamError({
        status: 504,
        message: `${provider}: no response within ${timeoutMs} ms`,
        provider,
        retryable: true,
      });
    }
    if (err instanceof UpstreamError) {
      throw new UpstreamError({
        status: err.status,
        type: err.type,
        message: `${provider}: ${err.message}`,
        provider,
        retryable: err.retryable,
      });
    }
    throw new UpstreamError({
      status: 502,
      message: `${provider}: connection failed (${describeCause(err)})`,
      provider,
      retryable: true,
    });
  } finally {
    firstByte.clear();
  }
  if (isRedirect(res)) {
    throw new UpstreamError({ status: 502, message: refusedRedirect(res, url, provider), provider, retryable: true });
  }
  if (headerBytes(res.headers) > MAX_UPSTREAM_HEADER_BYTES) {
    res.body?.cancel().catch(() => {});
    throw oversizedHeaders(provider, MAX_UPSTREAM_HEADER_BYTES);
  }
  res = await watchedResponse(res, ctx, provider, abort);
  if (res.ok) return res;
  const text = await readErrorBody(res);
  throw mapError({ status: res.status, body: text, headers: res.headers, provider, model: ctx.model });
}

export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}

/** The body of a 2xx streamed answer; a missing one is a retryable 502 naming the provider. */
export function streamBody(res: Response, provider: string): ReadableStream<Uint8Array> {
  if (!res.body) throw new UpstreamError({ status: 502, message: `${provider}: empty stream`, provider });
  return res.body;
}
