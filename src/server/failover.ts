import type { MessagesRequest } from "../translate/anthropic/types.ts";
import type { Candidate, Resolution } from "../router/resolve.ts";
import type { ProviderAdapter, SendContext } from "../providers/types.ts";
import { CcmuxError, ClientAbort, RequestError, UpstreamError, toAnthropicError } from "../util/errors.ts";
import type { AppDeps } from "./deps.ts";

export interface Attempt {
  provider: string;
  model: string;
  outcome: string;
}

export interface ForwardResult {
  response: Response;
  candidate: Candidate;
  adapter: ProviderAdapter;
  attempts: Attempt[];
}

export interface ForwardOptions {
  inbound: Headers;
  signal: AbortSignal;
  /** Accumulates the time spent waiting on upstream fetches (for Server-Timing). */
  timing?: { upstreamMs: number };
}

function timedFetch(deps: AppDeps, timing?: { upstreamMs: number }): SendContext["fetch"] {
  if (!timing) return deps.fetch;
  return async (input, init) => {
    const start = performance.now();
    try {
      return await deps.fetch(input, init);
    } finally {
      timing.upstreamMs += performance.now() - start;
    }
  };
}

/** The client's own mistake, or an upstream 4xx that another provider would repeat. */
function isFinal(err: unknown): boolean {
  return err instanceof RequestError || (err instanceof UpstreamError && !err.retryable);
}

function summarize(attempts: Attempt[]): string {
  return attempts.map((a) => `${a.provider} (${a.outcome})`).join(", ");
}

function allFailed(attempts: Attempt[], last: unknown, model: string): UpstreamError {
  const tried = summarize(attempts);
  if (last instanceof CcmuxError) {
    const upstream = last instanceof UpstreamError ? last : undefined;
    return new UpstreamError({
      status: last.status,
      type: last.type,
      message: `${last.message} (all providers for model "${model}" failed; tried: ${tried})`,
      retryable: upstream?.retryable,
      retryAfter: upstream?.retryAfter,
      headers: upstream?.headers,
    });
  }
  return new UpstreamError({ status: 502, message: `No provider could serve model "${model}"; tried: ${tried}`, retryable: true });
}

/**
 * Tries the resolution's candidates in order. Moves on after retryable failures (connection
 * errors, timeouts, 408, 429, 5xx, 529); any other error goes back to the client as is.
 * Only called before the first byte reaches the client, so failover never splices two answers.
 */
export async function forwardWithFailover(
  req: MessagesRequest,
  resolution: Resolution,
  deps: AppDeps,
  opts: ForwardOptions,
): Promise<ForwardResult> {
  const attempts: Attempt[] = [];
  const fetch = timedFetch(deps, opts.timing);
  let last: unknown;
  for (const candidate of resolution.candidates) {
    const adapter = deps.adapters.get(candidate.provider);
    if (!adapter) {
      attempts.push({ provider: candidate.provider, model: candidate.model, outcome: "not configured or disabled" });
      continue;
    }
    const ctx: SendContext = {
      signal: opts.signal,
      fetch,
      inbound: opts.inbound,
      model: candidate.model,
      timeouts: deps.config.server.timeouts,
      log: deps.log,
      credentials: deps.credentials(adapter, opts.inbound),
    };
    try {
      const response = await adapter.send(req, ctx);
      return { response, candidate, adapter, attempts };
    } catch (err) {
      if (err instanceof ClientAbort || opts.signal.aborted) throw new ClientAbort();
      const { status, body } = toAnthropicError(err);
      attempts.push({ provider: candidate.provider, model: candidate.model, outcome: `${status} ${body.error.message}` });
      last = err;
      if (isFinal(err)) throw err;
      deps.log.warn(`${candidate.provider} failed (${status}): ${body.error.message}; trying the next provider`);
    }
  }
  throw allFailed(attempts, last, resolution.model);
}
