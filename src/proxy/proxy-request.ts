import type { Context } from "hono";
import type { Resolution } from "../router/resolve.ts";
import { resolveLogged, traceBody } from "./debug-log.ts";
import type { MessagesRequest } from "../contracts/anthropic.ts";
import type { AppDeps } from "./deps.ts";
import { forwardWithFailover, type ForwardResult } from "./failover.ts";
import { relayBody } from "./relay-body.ts";
import { dropSecretHeaders } from "./secret-scrub.ts";
import { isEventStream } from "../providers/http.ts";
import { CcmuxError } from "../util/errors.ts";
import { headerSafe } from "../util/wire-text.ts";
import { healthKey } from "../providers/health.ts";
import { createUsageWatcher, usageOf, type UsageCounts } from "./usage-tap.ts";
import { finishFailed, finishTrace, startTrace, type RequestTrace } from "./request-trace.ts";
import { bytesStream, failedAfterCommit, heldResponse, holdCommitMs, jsonAsEvents } from "./held-answer.ts";
import { raceHold, STILL_PENDING } from "../stream/ping-hold.ts";

interface StreamFailure {
  why: string;
  errorType: string;
}

/** Counts the account's tokens, writes the request line and publishes the finished request. */
function finishAnswered(
  trace: RequestTrace,
  status: number,
  usage: UsageCounts,
  end: "ok" | "aborted",
  failure?: StreamFailure,
): void {
  if (trace.account)
    trace.deps.pools.counted(healthKey(trace.provider, trace.account), { input: usage.input, output: usage.output });
  const clientAbort = end === "aborted";
  finishTrace(trace, { status, usage, clientAbort, errorType: failure?.errorType, failure: failure?.why });
}

/** Which route, provider, model and account answered; names are data (any text), made header-safe. */
export function routingHeaders(resolution: Resolution, result: ForwardResult): Record<string, string> {
  return {
    "x-ccmux-route": (result.resolution ?? resolution).route,
    "x-ccmux-provider": headerSafe(result.candidate.provider),
    "x-ccmux-model": headerSafe(result.candidate.model),
    ...(result.account ? { "x-ccmux-account": headerSafe(result.account) } : {}),
  };
}

export function serverTiming(started: number, upstreamMs: number): string {
  const overhead = Math.max(0, performance.now() - started - upstreamMs);
  return `ccmux;dur=${overhead.toFixed(3)};desc="ccmux overhead"`;
}

/** The size of what the client sent, and its Anthropic JSON text when that is what it sent. */
export interface RequestBody {
  length: number;
  raw?: string;
}

/**
 * Routes an Anthropic request, forwards it with failover and relays the answer (JSON or SSE)
 * with the routing headers, Server-Timing and one log line when the body ends.
 */
export async function proxyAnthropic(
  c: Context,
  deps: AppDeps,
  req: MessagesRequest,
  sent: RequestBody,
  started: number,
): Promise<Response> {
  const trace = startTrace(c, deps, req, started);
  try {
    return await answer(c, trace, req, sent);
  } catch (err) {
    finishFailed(trace, err);
    throw err;
  }
}

async function answer(c: Context, trace: RequestTrace, req: MessagesRequest, sent: RequestBody): Promise<Response> {
  const { deps } = trace;
  traceBody(deps, "request body", sent.raw ?? JSON.stringify(req));
  const resolution = resolveLogged(req, deps, { bodyLength: sent.length, xProvider: c.req.header("x-provider") });
  trace.route = resolution.route;
  const timing = { upstreamMs: 0 };
  const control = new AbortController();
  const forwarding = forwardWithFailover(req, resolution, deps, {
    inbound: c.req.raw.headers,
    signal: AbortSignal.any([c.req.raw.signal, control.signal]),
    timing,
    rawBody: resolution.rewritten ? undefined : sent.raw,
    attempts: trace.attempts,
  }).catch((err: unknown) => {
    if (err instanceof CcmuxError) err.headers["x-ccmux-route"] = resolution.route;
    throw err;
  });
  const commitMs = holdCommitMs(deps, req);
  const result = commitMs > 0 ? await raceHold(forwarding, commitMs) : await forwarding;
  if (result !== STILL_PENDING) return relayAnswer(trace, resolution, result, timing);
  // Nothing yet after one ping interval: answer 200 now and keep the client's connection alive with pings.
  const next = forwarding
    .then((late) => heldBody(trace, resolution, late))
    .catch((err: unknown) => failedAfterCommit(trace, err));
  return heldResponse(resolution.route, next, commitMs, control);
}

/** Notes who answered in the trace. */
function traceAnswer(trace: RequestTrace, resolution: Resolution, result: ForwardResult): void {
  trace.route = (result.resolution ?? resolution).route;
  trace.provider = result.candidate.provider;
  trace.account = result.account;
  trace.upstreamModel = result.candidate.model;
}

async function relayAnswer(
  trace: RequestTrace,
  resolution: Resolution,
  result: ForwardResult,
  timing: { upstreamMs: number },
): Promise<Response> {
  const { deps, started } = trace;
  const headers = dropSecretHeaders(new Headers(result.response.headers), deps);
  for (const [k, v] of Object.entries(routingHeaders(resolution, result))) headers.set(k, v);
  headers.set("server-timing", serverTiming(started, timing.upstreamMs));
  traceAnswer(trace, resolution, result);
  const { status } = result.response;
  if (!isEventStream(result.response.headers)) {
    // A whole JSON answer: read it once (adapters already hold it in memory) instead of streaming it through JS.
    const bytes = new Uint8Array(await result.response.arrayBuffer());
    traceBody(deps, "response body", bytes);
    finishAnswered(trace, status, usageOf(bytes), "ok");
    return new Response(bytes, { status, headers });
  }
  return new Response(relayTraced(trace, result.response), { status, headers });
}

/** The body that follows the pings once a provider answered: its stream, or its whole message as events. */
async function heldBody(
  trace: RequestTrace,
  resolution: Resolution,
  result: ForwardResult,
): Promise<ReadableStream<Uint8Array> | null> {
  traceAnswer(trace, resolution, result);
  if (isEventStream(result.response.headers)) return relayTraced(trace, result.response, true);
  const bytes = new Uint8Array(await result.response.arrayBuffer());
  const events = jsonAsEvents(bytes);
  finishAnswered(trace, result.response.status, usageOf(bytes), "ok");
  return bytesStream(events);
}

/** Relays a streamed answer, noting the first byte out and publishing the record when it ends. */
function relayTraced(trace: RequestTrace, response: Response, held = false): ReadableStream<Uint8Array> | null {
  const { deps } = trace;
  let failure: StreamFailure | undefined;
  const watcher = createUsageWatcher();
  const body = relayBody(response, trace.provider, deps, {
    held,
    onFailure: (why, errorType) => (failure = { why, errorType }),
    onOutput: (bytes) => {
      trace.ttftMs ??= performance.now() - trace.started;
      traceBody(deps, "stream bytes", bytes);
      watcher.watch(bytes);
    },
    onEnd: (outcome) => {
      deps.requests.streamClosed();
      finishAnswered(trace, response.status, watcher.usage, outcome, failure);
    },
  });
  if (body) deps.requests.streamOpened();
  else finishAnswered(trace, response.status, {}, "ok");
  return body;
}
