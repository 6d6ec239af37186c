import type { Context } from "hono";
import { claudeCodeSessionId } from "../providers/session-id.ts";
import type { MessagesRequest } from "../contracts/anthropic.ts";
import { ClientAbort, toAnthropicError } from "../util/errors.ts";
import type { AppDeps } from "./deps.ts";
import type { Attempt } from "./attempts.ts";
import type { FinishedRequest, TokenCounts } from "./request-record.ts";
import type { UsageCounts } from "./usage-tap.ts";
import { requestLine } from "./request-log.ts";

/** What is known about a request while it runs; `finish` turns it into the published record. */
export interface RequestTrace {
  deps: AppDeps;
  started: number;
  time: number;
  endpoint: string;
  requestedModel: string;
  stream: boolean;
  session?: string;
  route: string;
  provider: string;
  account?: string;
  upstreamModel: string;
  attempts: Attempt[];
  ttftMs?: number;
}

/** `started` is the handler's `performance.now()` when the request arrived. */
export function startTrace(c: Context, deps: AppDeps, req: MessagesRequest, started: number): RequestTrace {
  return {
    deps,
    started,
    time: Date.now() - (performance.now() - started),
    endpoint: c.req.path,
    requestedModel: typeof req.model === "string" ? req.model : "",
    stream: req.stream === true,
    session: claudeCodeSessionId(req, c.req.raw.headers),
    route: "",
    provider: "",
    upstreamModel: "",
    attempts: [],
  };
}

export function tokensOf(usage: UsageCounts): TokenCounts {
  return {
    input: usage.input ?? 0,
    output: usage.output ?? 0,
    cacheRead: usage.cacheRead ?? 0,
    cacheWrite: usage.cacheWrite ?? 0,
  };
}

export interface Outcome {
  status: number;
  usage: UsageCounts;
  clientAbort?: boolean;
  errorType?: string;
  failure?: string;
}

function isSubscription(deps: AppDeps, provider: string): boolean {
  return deps.config.providers.some((p) => p.name === provider && p.auth_type === "oauth");
}

/** Marks an error the request line already reported, so the app's error handler does not log it again. */
const LOGGED = Symbol("ccmux.requestLogged");

export function wasLogged(err: unknown): boolean {
  return typeof err === "object" && err !== null && LOGGED in err;
}

function markLogged(err: unknown): void {
  if (typeof err === "object" && err !== null) Object.defineProperty(err, LOGGED, { value: true });
}

/** Writes the request line (a warning when ccmux answered 5xx) and publishes the finished request. */
export function finishTrace(trace: RequestTrace, outcome: Outcome): FinishedRequest {
  const { deps } = trace;
  const record: FinishedRequest = {
    time: Math.round(trace.time),
    id: crypto.randomUUID(),
    endpoint: trace.endpoint,
    requestedModel: trace.requestedModel,
    route: trace.route,
    provider: trace.provider,
    account: trace.account,
    upstreamModel: trace.upstreamModel,
    stream: trace.stream,
    status: outcome.status,
    latencyMs: performance.now() - trace.started,
    ttftMs: trace.ttftMs,
    attempts: trace.attempts,
    tokens: tokensOf(outcome.usage),
    session: trace.session,
    subscription: isSubscription(deps, trace.provider),
    clientAbort: outcome.clientAbort === true,
    errorType: outcome.errorType,
    failure: outcome.failure,
  };
  if (record.status >= 500) deps.log.warn(requestLine(record));
  else deps.log.info(requestLine(record));
  deps.requests.publish(record);
  return record;
}

/**
 * A request that failed before its answer started (routing, every provider, or the client left).
 * `committed` is the status a held stream already sent the client (its failure went out as an event).
 */
export function finishFailed(trace: RequestTrace, err: unknown, committed?: number): void {
  const last = trace.attempts[trace.attempts.length - 1];
  if (last && !trace.provider) {
    trace.provider = last.provider;
    trace.account = last.account;
    trace.upstreamModel = last.model;
  }
  markLogged(err);
  if (err instanceof ClientAbort) {
    finishTrace(trace, { status: 499, usage: {}, clientAbort: true });
    return;
  }
  const { status, body } = toAnthropicError(err);
  // The attempts already say why each provider failed; with none, the message is the reason.
  const failure = trace.attempts.length ? body.error.type : `${body.error.type}: ${body.error.message}`;
  finishTrace(trace, { status: committed ?? status, usage: {}, errorType: body.error.type, failure });
}
