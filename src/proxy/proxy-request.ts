import type { Context } from "hono";
import type { Resolution } from "../router/resolve.ts";
import { resolveLogged, traceBody } from "./debug-log.ts";
import type { MessagesRequest } from "../contracts/anthropic.ts";
import type { AppDeps } from "./deps.ts";
import { forwardWithFailover, type ForwardResult } from "./failover.ts";
import { dropSecretHeaders } from "./secret-scrub.ts";
import { CcmuxError } from "../util/errors.ts";
import { headerSafe } from "../util/wire-text.ts";
import { finishFailed, startTrace, type RequestTrace } from "./request-trace.ts";
import { failedAfterCommit, heldResponse, holdCommitMs } from "./held-answer.ts";
import { raceHold, STILL_PENDING } from "../stream/ping-hold.ts";
import { sseHeaders } from "../stream/sse.ts";
import { anthropicWriter, type AnswerWriter, type EventEncoder } from "../stream/answer-writer.ts";
import { answerOf, streamedBody, wholeBody, type Answer } from "./answer-body.ts";
import type { SendOutcome } from "../contracts/adapter.ts";

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
  writer: AnswerWriter = anthropicWriter,
): Promise<Response> {
  const trace = startTrace(c, deps, req, started);
  try {
    return await answer(c, trace, req, sent, writer);
  } catch (err) {
    finishFailed(trace, err);
    throw err;
  }
}

async function answer(
  c: Context,
  trace: RequestTrace,
  req: MessagesRequest,
  sent: RequestBody,
  writer: AnswerWriter,
): Promise<Response> {
  const { deps } = trace;
  traceBody(deps, "request body", sent.raw ?? JSON.stringify(req));
  const resolution = resolveLogged(req, deps, { bodyLength: sent.length, xProvider: c.req.header("x-provider") });
  trace.route = resolution.route;
  const timing = { upstreamMs: 0 };
  const control = new AbortController();
  const forwarding = forwardWithFailover(resolution.request, resolution, deps, {
    inbound: c.req.raw.headers,
    signal: AbortSignal.any([c.req.raw.signal, control.signal]),
    timing,
    raw: sent.raw === undefined ? undefined : { text: sent.raw, request: req },
    attempts: trace.attempts,
  }).catch((err: unknown) => {
    if (err instanceof CcmuxError) err.headers["x-ccmux-route"] = resolution.route;
    throw err;
  });
  const commitMs = holdCommitMs(deps, req);
  const result = commitMs > 0 ? await raceHold(forwarding, commitMs) : await forwarding;
  if (result !== STILL_PENDING) return relayAnswer(trace, resolution, result, timing, writer);
  // Nothing yet after one ping interval: answer 200 now and keep the client's connection alive with pings.
  const encoder = writer.stream();
  const next = forwarding
    .then((late) => heldBody(trace, resolution, late, writer, encoder))
    .catch((err: unknown) => failedAfterCommit(trace, err, encoder));
  return heldResponse(resolution.route, next, commitMs, control, encoder);
}

/** The upstream's own status for a pass-through; a translated answer is a 200. */
function statusOf(outcome: SendOutcome): number {
  return outcome.kind === "pass-through" ? outcome.status : 200;
}

/** Notes who answered in the trace. */
function traceAnswer(trace: RequestTrace, resolution: Resolution, result: ForwardResult): void {
  trace.route = (result.resolution ?? resolution).route;
  trace.provider = result.candidate.provider;
  trace.account = result.account;
  trace.upstreamModel = result.candidate.model;
}

/** The answer's headers: the upstream's relayed ones when its bytes go out untouched, then who answered. */
function answerHeaders(
  trace: RequestTrace,
  resolution: Resolution,
  result: ForwardResult,
  answer: Answer,
  streamed: boolean,
): Headers {
  const outcome = result.response;
  const untouched = answer.kind === "sse-bytes" || answer.kind === "json-bytes";
  const headers =
    outcome.kind === "pass-through" ? dropSecretHeaders(new Headers(outcome.headers), trace.deps) : new Headers();
  if (!untouched && streamed) for (const [k, v] of Object.entries(sseHeaders())) headers.set(k, v);
  else if (!untouched) headers.set("content-type", "application/json");
  for (const [k, v] of Object.entries(routingHeaders(resolution, result))) headers.set(k, v);
  return headers;
}

function relayAnswer(
  trace: RequestTrace,
  resolution: Resolution,
  result: ForwardResult,
  timing: { upstreamMs: number },
  writer: AnswerWriter,
): Response {
  traceAnswer(trace, resolution, result);
  const status = statusOf(result.response);
  const answer = answerOf(result.response, writer, trace.stream, trace.provider);
  const whole = answer.kind === "json-bytes" || (answer.kind === "message" && !trace.stream);
  const headers = answerHeaders(trace, resolution, result, answer, !whole);
  headers.set("server-timing", serverTiming(trace.started, timing.upstreamMs));
  if (whole) return new Response(wholeBody(trace, answer, writer, status), { status, headers });
  return new Response(streamedBody(trace, answer, writer.stream(), status), { status, headers });
}

/** The body that follows the pings once a provider answered: its stream, or its whole message as events. */
function heldBody(
  trace: RequestTrace,
  resolution: Resolution,
  result: ForwardResult,
  writer: AnswerWriter,
  encoder: EventEncoder,
): ReadableStream<Uint8Array> {
  traceAnswer(trace, resolution, result);
  const status = statusOf(result.response);
  return streamedBody(trace, answerOf(result.response, writer, true, trace.provider), encoder, status, true);
}
