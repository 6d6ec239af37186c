import type { MessagesRequest } from "../contracts/anthropic.ts";
import type { Candidate, Resolution } from "../router/resolve.ts";
import type { FetchFn, ProviderAdapter, SendContext } from "../contracts/adapter.ts";
import { healthKey } from "../providers/health.ts";
import { CcmuxError, ClientAbort, RequestError, UpstreamError, toAnthropicError } from "../util/errors.ts";
import type { AppDeps } from "./deps.ts";

export interface Attempt {
  provider: string;
  model: string;
  outcome: string;
  /** Not tried because the provider is cooling down. */
  skipped?: boolean;
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
  /** The request's original JSON text, when the request object still matches it. */
  rawBody?: string;
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
  const list = (xs: Attempt[]) => xs.map((a) => `${a.provider} (${a.outcome})`).join(", ");
  const tried = attempts.filter((a) => !a.skipped);
  const skipped = attempts.filter((a) => a.skipped);
  return `${list(tried) || "none"}${skipped.length ? `; skipped: ${list(skipped)}` : ""}`;
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
  return new UpstreamError({
    status: 502,
    message: `No provider could serve model "${model}"; tried: ${tried}`,
    retryable: true,
  });
}

interface Run {
  req: MessagesRequest;
  deps: AppDeps;
  opts: ForwardOptions;
  fetch: FetchFn;
  attempts: Attempt[];
  cooling: { candidate: Candidate; adapter: ProviderAdapter; until: number }[];
  last?: unknown;
}

/** Sends to one candidate and records the verdict in its health; undefined means "try the next". */
async function tryCandidate(
  run: Run,
  candidate: Candidate,
  adapter: ProviderAdapter,
  probe: boolean,
): Promise<ForwardResult | undefined> {
  const { deps, opts } = run;
  const key = healthKey(candidate.provider);
  const ctx: SendContext = {
    signal: opts.signal,
    fetch: run.fetch,
    inbound: opts.inbound,
    model: candidate.model,
    timeouts: deps.config.server.timeouts,
    log: deps.log,
    credentials: deps.credentials(adapter, opts.inbound),
    rawBody: opts.rawBody,
  };
  try {
    const response = await adapter.send(run.req, ctx);
    deps.health.succeeded(key);
    return { response, candidate, adapter, attempts: run.attempts };
  } catch (err) {
    // An upstream that answers with a client error is up; anything else may count against it.
    if (err instanceof UpstreamError && !err.retryable) deps.health.succeeded(key);
    else deps.health.failed(key, err, probe);
    if (err instanceof ClientAbort || opts.signal.aborted) throw new ClientAbort();
    const { status, body } = toAnthropicError(err);
    run.attempts.push({
      provider: candidate.provider,
      model: candidate.model,
      outcome: `${status} ${body.error.message}`,
    });
    run.last = err;
    if (isFinal(err)) throw err;
    deps.log.warn(`${candidate.provider} failed (${status}): ${body.error.message}; trying the next provider`);
    return undefined;
  }
}

/** When every candidate is cooling down, the one whose cooldown ends first is tried anyway: a request is never refused untried. */
async function tryEarliestCooling(run: Run, model: string): Promise<ForwardResult | undefined> {
  if (run.cooling.length === 0 || run.last !== undefined) return undefined;
  const first = run.cooling.reduce((a, b) => (b.until < a.until ? b : a));
  run.attempts = run.attempts.filter((a) => !(a.skipped && a.provider === first.candidate.provider));
  run.deps.log.warn(
    `every provider for model "${model}" is cooling down; trying ${first.candidate.provider} anyway (its cooldown ends first)`,
  );
  return tryCandidate(run, first.candidate, first.adapter, true);
}

/**
 * Tries the resolution's candidates in order, skipping providers in cooldown. Moves on after
 * retryable failures (connection errors, timeouts, 408, 429, 5xx, 529); any other error goes
 * back to the client as is. Only called before the first byte reaches the client, so failover
 * never splices two answers.
 */
export async function forwardWithFailover(
  req: MessagesRequest,
  resolution: Resolution,
  deps: AppDeps,
  opts: ForwardOptions,
): Promise<ForwardResult> {
  const run: Run = { req, deps, opts, fetch: timedFetch(deps, opts.timing), attempts: [], cooling: [] };
  for (const candidate of resolution.candidates) {
    const adapter = deps.adapters.get(candidate.provider);
    if (!adapter) {
      run.attempts.push({
        provider: candidate.provider,
        model: candidate.model,
        outcome: "not configured or disabled",
      });
      continue;
    }
    const admission = deps.health.admit(healthKey(candidate.provider));
    if (!admission.ok) {
      deps.log.info(`skipping ${candidate.provider}: ${admission.reason}`);
      run.attempts.push({
        provider: candidate.provider,
        model: candidate.model,
        outcome: admission.reason,
        skipped: true,
      });
      run.cooling.push({ candidate, adapter, until: admission.until });
      continue;
    }
    const result = await tryCandidate(run, candidate, adapter, admission.probe);
    if (result) return result;
  }
  const forced = await tryEarliestCooling(run, resolution.model);
  if (forced) return forced;
  throw allFailed(run.attempts, run.last, resolution.model);
}
