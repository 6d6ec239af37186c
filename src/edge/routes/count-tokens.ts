import type { Context } from "hono";
import type { MessagesRequest } from "../../contracts/anthropic.ts";
import type { AppDeps, DepsHolder } from "../../proxy/deps.ts";
import { failover } from "../../proxy/failover.ts";
import { FailoverExhausted } from "../../proxy/attempts.ts";
import { resolveRoute } from "../../router/resolve.ts";
import { countRequestTokens } from "../../tokens/count.ts";
import { headerSafe } from "../../util/wire-text.ts";
import { CountTokensRequestSchema, parseJsonBody, requireJsonContentType, validateBody } from "../parse-body.ts";

interface Count {
  tokens: number;
  provider?: string;
}

/**
 * The candidates that can count upstream, up to the first configured one that cannot: that one
 * answers with the local estimate, as it would serve the request itself.
 */
function countingCandidates(req: MessagesRequest, deps: AppDeps, c: Context, bodyLength: number) {
  const resolution = resolveRoute(req, deps.router, { bodyLength, xProvider: c.req.header("x-provider") });
  const configured = resolution.candidates.filter((candidate) => deps.adapters.has(candidate.provider));
  const stop = configured.findIndex((candidate) => !deps.adapters.get(candidate.provider)?.countTokens);
  return {
    resolution,
    counting: stop < 0 ? configured : configured.slice(0, stop),
    estimator: stop < 0 ? undefined : configured[stop]?.provider,
  };
}

/** Upstream counts go through the one failover loop (cooldowns, health); when they all fail, the local estimate. */
async function countWithProviders(req: MessagesRequest, deps: AppDeps, c: Context, bodyLength: number): Promise<Count> {
  const { resolution, counting, estimator } = countingCandidates(req, deps, c, bodyLength);
  const forwarded = resolution.request;
  const estimate = async (): Promise<Count> => ({ tokens: await countRequestTokens(forwarded), provider: estimator });
  if (counting.length === 0) return estimate();
  const opts = { inbound: c.req.raw.headers, signal: c.req.raw.signal };
  try {
    const served = await failover(forwarded, { ...resolution, candidates: counting }, deps, opts, (adapter, ctx) =>
      adapter.countTokens ? adapter.countTokens(forwarded, ctx) : countRequestTokens(forwarded),
    );
    return { tokens: served.response, provider: served.adapter.name };
  } catch (err) {
    if (!(err instanceof FailoverExhausted)) throw err;
    deps.log.warn(`count_tokens: no upstream could count (${err.message}); using the local estimate`);
    return estimate();
  }
}

/** POST /v1/messages/count_tokens: the upstream's count where it has one, else a local estimate. */
export function countTokensHandler(holder: DepsHolder) {
  return async (c: Context) => {
    const deps = holder.current();
    requireJsonContentType(c.req.header("content-type"));
    const text = await c.req.text();
    const req = validateBody<MessagesRequest>(CountTokensRequestSchema, parseJsonBody(text));
    const { tokens, provider } = await countWithProviders(req, deps, c, text.length);
    const headers: Record<string, string> = provider ? { "x-ccmux-provider": headerSafe(provider) } : {};
    return c.json({ input_tokens: tokens }, 200, headers);
  };
}
