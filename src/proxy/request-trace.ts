import type { Context } from "hono";
import { claudeCodeSessionId } from "../providers/session-id.ts";
import type { MessagesRequest } from "../contracts/anthropic.ts";
import { ClientAbort, toAnthropicError } from "../util/errors.ts";
import type { AppDeps } from "./deps.ts";
import type { Attempt } from "./failover.ts";
import type { FinishedRequest, TokenCounts } from "./request-record.ts";
import type { UsageCounts } from "./usage-tap.ts";

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
}

function isSubscription(deps: AppDeps, provider: string): boolean {
  return deps.config.providers.some((p) => p.name === provider && p.auth_type === "oauth");
}

/** Publishes the finished request to every subscriber in `deps.requests`. */
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
  };
  deps.requests.publish(record);
  return record;
}

/** A request that failed before its answer started (routing, every provider, or the client left). */
export function finishFailed(trace: RequestTrace, err: unknown): void {
  const last = trace.attempts[trace.attempts.length - 1];
  if (last && !trace.provider) {
    trace.provider = last.provider;
    trace.account = last.account;
    trace.upstreamModel = last.model;
  }
  if (err instanceof ClientAbort) {
    finishTrace(trace, { status: 499, usage: {}, clientAbort: true });
    return;
  }
  const { status, body } = toAnthropicError(err);
  finishTrace(trace, { status, usage: {}, errorType: body.error.type });
}
