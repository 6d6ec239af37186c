import type { MessagesRequest } from "../contracts/anthropic.ts";
import type { Candidate, Resolution } from "../router/resolve.ts";
import type { FetchFn, ProviderAdapter, RawRequest, SendContext, SendOutcome } from "../contracts/adapter.ts";
import { healthKey } from "../providers/health.ts";
import { ClientAbort, RequestError, UpstreamError, toAnthropicError } from "../util/errors.ts";
import { allFailed, attemptName, type Attempt } from "./attempts.ts";
import type { AppDeps } from "./deps.ts";
import { observingFetch, quotaOf, type SeenAnswer } from "../pool/observe-fetch.ts";
import { PoolExhausted, type ParkedAccount } from "../pool/exhausted.ts";
import { admit, tryPool } from "./pool-failover.ts";
import { settleHealth } from "./settle-health.ts";
import { DEFAULT_LIMITS } from "../config/schema.ts";
import { loggingFetch } from "./debug-log.ts";
import { matchErrorRule } from "../pool/error-rules.ts";
import { compactionError, isPromptTooLong, longContextRetry } from "./context-fallback.ts";
import { retryAfterReset } from "./wait-for-reset.ts";
import { withOutputLimit } from "./output-limit.ts";

/** What one candidate's adapter is asked to do: send the request, or count its tokens. */
export type Operation<T> = (adapter: ProviderAdapter, ctx: SendContext) => Promise<T>;

/** The answer (an outcome for a send, a count for count_tokens) and who gave it. */
export interface ForwardResult<T = SendOutcome> {
  response: T;
  candidate: Candidate;
  adapter: ProviderAdapter;
  attempts: Attempt[];
  /** The pool account that answered, by name. */
  account?: string;
  /** Set when the request was re-routed (a too-long prompt retried on long_context). */
  resolution?: Resolution;
}

export interface ForwardOptions {
  inbound: Headers;
  signal: AbortSignal;
  /** Accumulates the time spent waiting on upstream fetches (for Server-Timing). */
  timing?: { upstreamMs: number };
  /** The request's original JSON text and the object parsed from it, unless the router changed that object. */
  raw?: RawRequest;
  /** Receives every attempt as it happens (the answering one last, outcome "ok"), also when all fail. */
  attempts?: Attempt[];
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

const isRateLimited = (err: unknown) => err instanceof UpstreamError && (err.status === 429 || err.status === 529);

/** The client's own mistake, or an upstream 4xx that another provider would repeat. */
function isFinal(err: unknown): boolean {
  return err instanceof RequestError || (err instanceof UpstreamError && !err.retryable);
}

export interface Run<T = Response> {
  req: MessagesRequest;
  operation: Operation<T>;
  /** The router's input-token estimate, for message_start before the upstream counts. */
  estimatedInputTokens: number;
  deps: AppDeps;
  opts: ForwardOptions;
  fetch: FetchFn;
  attempts: Attempt[];
  cooling: { candidate: Candidate; adapter: ProviderAdapter; until: number; account?: string }[];
  /** Pool accounts skipped or stopped because their quota is spent. */
  parked: ParkedAccount[];
  /** An error rule said `next_provider`: the rest of this pool is not tried. */
  leavePool?: boolean;
  /** The mapping being tried is the route's last; the pool account being tried is its pool's last. */
  lastMapping?: boolean;
  lastAccount?: boolean;
  last?: unknown;
}

/** A pool account's answer: its quota headers update the account; a spent one is parked until its reset. */
async function observeAccount(run: Run<unknown>, key: string, seen: SeenAnswer, probe: boolean): Promise<boolean> {
  const { pools } = run.deps;
  pools.observe(key, await quotaOf(seen, pools.now()));
  const until = pools.parkedUntil(key);
  if (until === 0) return false;
  run.parked.push({ key, until });
  run.deps.health.released(key);
  if (probe) run.deps.log.info(`${key}: probe after its quota reset was refused; parked again`);
  return true;
}

/** What failover does after a failure, as the log says it. */
function nextStep(run: Run<unknown>, account: string | undefined): string {
  if (account && !run.leavePool && !run.lastAccount) return "trying the next account";
  return run.lastMapping ? "no other mapping to try" : "trying the next provider";
}

/** Sends to one candidate (one account of a pool) and records the verdict in its health; undefined means "try the next". */
export async function tryCandidate<T>(
  run: Run<T>,
  candidate: Candidate,
  adapter: ProviderAdapter,
  probe: boolean,
  account?: string,
): Promise<ForwardResult<T> | undefined> {
  const { deps, opts } = run;
  const key = healthKey(candidate.provider, account);
  const seen: SeenAnswer = {};
  const who = attemptName({ provider: candidate.provider, account });
  deps.log.debug(`failover: trying ${who}/${candidate.model}${probe ? " (probe)" : ""}`);
  const ctx: SendContext = {
    signal: opts.signal,
    fetch: loggingFetch(account ? observingFetch(run.fetch, seen) : run.fetch, deps.log, who),
    inbound: opts.inbound,
    model: candidate.model,
    timeouts: deps.config.server.timeouts,
    limits: deps.config.server.limits ?? DEFAULT_LIMITS,
    log: deps.log,
    credentials: deps.credentials(adapter, opts.inbound, account),
    raw: opts.raw,
    estimatedInputTokens: run.estimatedInputTokens,
  };
  try {
    const response = await run.operation(adapter, ctx);
    if (account) await observeAccount(run, key, seen, false);
    deps.health.succeeded(key);
    run.attempts.push({ provider: candidate.provider, model: candidate.model, account, outcome: "ok" });
    return { response, candidate, adapter, attempts: run.attempts, account };
  } catch (err) {
    const parked = account !== undefined && !opts.signal.aborted && (await observeAccount(run, key, seen, probe));
    const rule = matchErrorRule(adapter.config.error_rules, err);
    settleHealth(run, key, err, { probe, parked, account, rule });
    if (err instanceof ClientAbort || opts.signal.aborted) {
      run.attempts.push({ provider: candidate.provider, model: candidate.model, account, outcome: "client aborted" });
      throw new ClientAbort();
    }
    const { status, body } = toAnthropicError(err);
    run.attempts.push({
      provider: candidate.provider,
      account,
      model: candidate.model,
      outcome: `${status} ${body.error.message}${rule ? ` [error rule: ${rule.action}]` : ""}`,
      errorType: body.error.type,
    });
    run.last = err;
    if (rule ? rule.action === "stop" : isFinal(err)) throw err;
    if (rule?.action === "next_provider") run.leavePool = true;
    deps.log.warn(
      `${attemptName({ provider: candidate.provider, account })} failed (${status}): ${body.error.message}; ${nextStep(run, account)}`,
    );
    return undefined;
  }
}

/** When every candidate is cooling down, the one whose cooldown ends first is tried anyway: a request is never refused untried. */
async function tryEarliestCooling<T>(run: Run<T>, model: string): Promise<ForwardResult<T> | undefined> {
  if (run.cooling.length === 0 || run.last !== undefined) return undefined;
  const first = run.cooling.reduce((a, b) => (b.until < a.until ? b : a));
  const name = attemptName({ provider: first.candidate.provider, account: first.account });
  const { attempts } = run;
  for (let i = attempts.length - 1; i >= 0; i--) {
    if (attempts[i]!.skipped && attemptName(attempts[i]!) === name) attempts.splice(i, 1);
  }
  run.deps.log.warn(
    `every provider for model "${model}" is cooling down; trying ${name} anyway (its cooldown ends first)`,
  );
  return tryCandidate(run, first.candidate, first.adapter, true, first.account);
}

/**
 * The one failover loop, for sends and token counts alike: runs `operation` on the resolution's
 * candidates in order, skipping providers in cooldown and recording every verdict in their health.
 * Moves on after retryable failures (connection errors, timeouts, 408, 429, 5xx, 529); any other
 * error goes back to the client as is. Only called before the first byte reaches the client, so
 * failover never splices two answers.
 */
export async function failover<T>(
  req: MessagesRequest,
  resolution: Resolution,
  deps: AppDeps,
  opts: ForwardOptions,
  operation: Operation<T>,
): Promise<ForwardResult<T>> {
  const fetch = timedFetch(deps, opts.timing);
  const attempts = opts.attempts ?? [];
  const run: Run<T> = {
    req,
    estimatedInputTokens: resolution.estimatedTokens,
    operation,
    deps,
    opts,
    fetch,
    attempts,
    cooling: [],
    parked: [],
  };
  for (const [i, candidate] of resolution.candidates.entries()) {
    run.lastMapping = i === resolution.candidates.length - 1;
    const adapter = deps.adapters.get(candidate.provider);
    if (!adapter) {
      run.attempts.push({
        provider: candidate.provider,
        model: candidate.model,
        outcome: "not configured or disabled",
      });
      continue;
    }
    if (adapter.config.accounts) {
      const pooled = await tryPool(run, candidate, adapter, tryCandidate);
      if (pooled) return pooled;
      continue;
    }
    const admitted = admit(run, candidate, adapter);
    if (!admitted) continue;
    const result = await tryCandidate(run, candidate, adapter, admitted !== true);
    if (result) return result;
  }
  const forced = await tryEarliestCooling(run, resolution.model);
  if (forced) return forced;
  if (run.parked.length > 0 && (run.last === undefined || isRateLimited(run.last)))
    throw new PoolExhausted(run.parked, deps.pools.now());
  throw allFailed(run.attempts, run.last, resolution.model);
}

/**
 * Forwards with failover; when every account is parked and one resets within its pool's
 * `wait_for_reset_max_s`, waits for it and tries once more. A "prompt is too long" answer never fails over to another mapping
 * (which may have a smaller window): it is retried once on the router's `long_context` model when
 * that model's window holds the prompt, else it comes back in Anthropic's exact wording so
 * Claude Code compacts the conversation.
 */
export async function forwardWithFailover(
  req: MessagesRequest,
  resolution: Resolution,
  deps: AppDeps,
  opts: ForwardOptions,
): Promise<ForwardResult> {
  const send = (adapter: ProviderAdapter, ctx: SendContext) => {
    const target = {
      model: ctx.model,
      providerType: adapter.config.provider_type,
      estimatedInputTokens: ctx.estimatedInputTokens,
    };
    const limited = withOutputLimit(req, target, deps.config);
    return adapter.send(limited, ctx);
  };
  try {
    return await retryAfterReset(() => failover(req, resolution, deps, opts, send), deps, opts.signal);
  } catch (err) {
    if (!isPromptTooLong(err)) throw err;
    const larger = longContextRetry(err, req, resolution, deps);
    if (!larger) throw compactionError(err);
    deps.log.info(larger.reason);
    const result = await failover(req, larger, deps, opts, send).catch((again: unknown) => {
      throw isPromptTooLong(again) ? compactionError(again) : again;
    });
    return { ...result, resolution: larger };
  }
}
