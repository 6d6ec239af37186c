import type { Context } from "hono";
import { resolveRoute, type Resolution } from "../../router/resolve.ts";
import { forwardWithFailover, type ForwardResult } from "../failover.ts";
import { parseMessagesRequest, requireJsonContentType } from "../parse-body.ts";
import { tapUsage, type UsageCounts } from "../usage-tap.ts";
import type { AppDeps, DepsHolder } from "../deps.ts";
import { relayBody } from "../relay-body.ts";

export interface RequestRecord {
  route: string;
  provider: string;
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
  deps.log.info(`${rec.route} → ${rec.provider}/${rec.model} ${rec.status} ${ms}ms ${formatUsage(usage)}${tail}`);
}

export function routingHeaders(resolution: Resolution, result: ForwardResult): Record<string, string> {
  return {
    "x-ccmux-route": resolution.route,
    "x-ccmux-provider": result.candidate.provider,
    "x-ccmux-model": result.candidate.model,
  };
}

export function serverTiming(started: number, upstreamMs: number): string {
  const overhead = Math.max(0, performance.now() - started - upstreamMs);
  return `ccmux;dur=${overhead.toFixed(3)};desc="ccmux overhead"`;
}

/** POST /v1/messages: parse, route, forward with failover, relay. */
export function messagesHandler(holder: DepsHolder) {
  return async (c: Context) => {
    const deps = holder.current();
    const started = performance.now();
    requireJsonContentType(c.req.header("content-type"));
    const text = await c.req.text();
    const req = parseMessagesRequest(text);
    const resolution = resolveRoute(req, deps.router, { bodyLength: text.length, xProvider: c.req.header("x-provider") });
    const timing = { upstreamMs: 0 };
    const result = await forwardWithFailover(req, resolution, deps, {
      inbound: c.req.raw.headers,
      signal: c.req.raw.signal,
      timing,
    });
    const headers = new Headers(result.response.headers);
    for (const [k, v] of Object.entries(routingHeaders(resolution, result))) headers.set(k, v);
    headers.set("server-timing", serverTiming(started, timing.upstreamMs));
    const rec: RequestRecord = { route: resolution.route, provider: result.candidate.provider, model: result.candidate.model, status: result.response.status, started };
    let failure: string | undefined;
    const relayed = relayBody(result.response, result.candidate.provider, deps, (why) => (failure = why));
    const body = relayed ? tapUsage(relayed, (usage, outcome) => logRequest(deps, rec, usage, failure ?? outcome)) : null;
    if (!body) logRequest(deps, rec, {}, "ok");
    return new Response(body, { status: result.response.status, headers });
  };
}
