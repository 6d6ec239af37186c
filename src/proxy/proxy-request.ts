import type { Context } from "hono";
import { resolveRoute, type Resolution } from "../router/resolve.ts";
import type { MessagesRequest } from "../contracts/anthropic.ts";
import type { AppDeps } from "./deps.ts";
import { forwardWithFailover, type ForwardResult } from "./failover.ts";
import { relayBody } from "./relay-body.ts";
import { dropSecretHeaders } from "./secret-scrub.ts";
import { isEventStream } from "../providers/http.ts";
import { CcmuxError } from "../util/errors.ts";
import { healthKey } from "../providers/health.ts";
import { createUsageWatcher, usageOf, type UsageCounts } from "./usage-tap.ts";

export interface RequestRecord {
  route: string;
  provider: string;
  /** The pool account that answered, by name (never its key). */
  account?: string;
  model: string;
  status: number;
  started: number;
}

function formatUsage(u: UsageCounts): string {
  if (u.input === undefined && u.output === undefined) return "tokens n/a";
  const cached = u.cacheRead ? ` (+${u.cacheRead} cached)` : "";
  return `tokens in ${u.input ?? "?"}${cached} out ${u.output ?? "?"}`;
}

export function logRequest(deps: AppDeps, rec: RequestRecord, usage: UsageCounts, outcome: string): void {
  const ms = Math.round(performance.now() - rec.started);
  const tail = outcome === "ok" ? "" : ` [${outcome}]`;
  const via = rec.account ? `${rec.provider}[${rec.account}]` : rec.provider;
  if (rec.account)
    deps.pools.counted(healthKey(rec.provider, rec.account), { input: usage.input, output: usage.output });
  deps.log.info(`${rec.route} → ${via}/${rec.model} ${rec.status} ${ms}ms ${formatUsage(usage)}${tail}`);
}

export function routingHeaders(resolution: Resolution, result: ForwardResult): Record<string, string> {
  return {
    "x-ccmux-route": (result.resolution ?? resolution).route,
    "x-ccmux-provider": result.candidate.provider,
    "x-ccmux-model": result.candidate.model,
    ...(result.account ? { "x-ccmux-account": result.account } : {}),
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
  const resolution = resolveRoute(req, deps.router, { bodyLength: sent.length, xProvider: c.req.header("x-provider") });
  const timing = { upstreamMs: 0 };
  const rawBody = resolution.rewritten ? undefined : sent.raw;
  const result = await forwardWithFailover(req, resolution, deps, {
    inbound: c.req.raw.headers,
    signal: c.req.raw.signal,
    timing,
    rawBody,
  }).catch((err: unknown) => {
    if (err instanceof CcmuxError) err.headers["x-ccmux-route"] = resolution.route;
    throw err;
  });
  const headers = dropSecretHeaders(new Headers(result.response.headers), deps);
  for (const [k, v] of Object.entries(routingHeaders(resolution, result))) headers.set(k, v);
  headers.set("server-timing", serverTiming(started, timing.upstreamMs));
  const { provider, model } = result.candidate;
  const rec: RequestRecord = {
    route: (result.resolution ?? resolution).route,
    provider,
    account: result.account,
    model,
    status: result.response.status,
    started,
  };
  if (!isEventStream(result.response.headers)) {
    // A whole JSON answer: read it once (adapters already hold it in memory) instead of streaming it through JS.
    const bytes = new Uint8Array(await result.response.arrayBuffer());
    logRequest(deps, rec, usageOf(bytes), "ok");
    return new Response(bytes, { status: result.response.status, headers });
  }
  let failure: string | undefined;
  const watcher = createUsageWatcher();
  const body = relayBody(result.response, provider, deps, {
    onFailure: (why) => (failure = why),
    onOutput: (bytes) => watcher.watch(bytes),
    onEnd: (outcome) => logRequest(deps, rec, watcher.usage, failure ?? outcome),
  });
  if (!body) logRequest(deps, rec, {}, "ok");
  return new Response(body, { status: result.response.status, headers });
}
