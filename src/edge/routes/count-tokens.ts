import type { Context } from "hono";
import { resolveRoute } from "../../router/resolve.ts";
import { countRequestTokens } from "../../tokens/count.ts";
import type { MessagesRequest } from "../../contracts/anthropic.ts";
import { ClientAbort, RequestError, UpstreamError } from "../../util/errors.ts";
import { CountTokensRequestSchema, parseJsonBody, requireJsonContentType, validateBody } from "../parse-body.ts";
import type { AppDeps, DepsHolder } from "../../proxy/deps.ts";

async function countWithProviders(
  req: MessagesRequest,
  deps: AppDeps,
  c: Context,
  bodyLength: number,
): Promise<{ tokens: number; provider?: string }> {
  const resolution = resolveRoute(req, deps.router, { bodyLength, xProvider: c.req.header("x-provider") });
  for (const candidate of resolution.candidates) {
    const adapter = deps.adapters.get(candidate.provider);
    if (!adapter) continue;
    if (!adapter.countTokens) return { tokens: await countRequestTokens(req), provider: adapter.name };
    try {
      const tokens = await adapter.countTokens(req, {
        signal: c.req.raw.signal,
        fetch: deps.fetch,
        inbound: c.req.raw.headers,
        model: candidate.model,
        timeouts: deps.config.server.timeouts,
        log: deps.log,
        credentials: deps.credentials(adapter, c.req.raw.headers),
      });
      return { tokens, provider: adapter.name };
    } catch (err) {
      if (err instanceof ClientAbort || err instanceof RequestError) throw err;
      if (err instanceof UpstreamError && !err.retryable) throw err;
      deps.log.warn(`count_tokens via ${adapter.name} failed: ${(err as Error).message}`);
    }
  }
  return { tokens: await countRequestTokens(req) };
}

/** POST /v1/messages/count_tokens: the upstream's count where it has one, else a local estimate. */
export function countTokensHandler(holder: DepsHolder) {
  return async (c: Context) => {
    const deps = holder.current();
    requireJsonContentType(c.req.header("content-type"));
    const text = await c.req.text();
    const req = validateBody<MessagesRequest>(CountTokensRequestSchema, parseJsonBody(text));
    const { tokens, provider } = await countWithProviders(req, deps, c, text.length);
    const headers: Record<string, string> = provider ? { "x-ccmux-provider": provider } : {};
    return c.json({ input_tokens: tokens }, 200, headers);
  };
}
