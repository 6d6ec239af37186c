import type { ProviderAdapter } from "../contracts/adapter.ts";
import type { Candidate } from "../router/resolve.ts";
import { healthKey } from "../providers/health.ts";
import { DEFAULT_POOL } from "../config/normalize-accounts.ts";
import { sessionKey } from "../pool/session-key.ts";
import { orderPool, preferPinned, type PoolMember } from "../pool/select.ts";
import type { ForwardResult, Run } from "./failover.ts";

/** failover's own attempt: one account of the pool, its health and quota recorded. */
export type AccountAttempt = (
  run: Run,
  candidate: Candidate,
  adapter: ProviderAdapter,
  probe: boolean,
  account: string,
) => Promise<ForwardResult | undefined>;

function members(run: Run, adapter: ProviderAdapter): PoolMember[] {
  const { pools, health } = run.deps;
  return (adapter.config.accounts ?? [])
    .filter((a) => a.enabled)
    .map((account) => {
      const key = healthKey(adapter.name, account.name);
      const ready = pools.parkedUntil(key) === 0 && health.snapshot(key).state !== "cooldown";
      const requests = pools.peek(key)?.requests ?? 0;
      return { account, key, ready, utilization: pools.utilization(key), requests };
    });
}

function skip(run: Run, candidate: Candidate, m: PoolMember, reason: string): void {
  run.deps.log.info(`skipping ${m.key}: ${reason}`);
  run.attempts.push({
    provider: candidate.provider,
    account: m.account.name,
    model: candidate.model,
    outcome: reason,
    skipped: true,
  });
}

/** Takes an account's quota slot, then its health slot; false (and noted) when either refuses. */
function admit(run: Run, candidate: Candidate, adapter: ProviderAdapter, m: PoolMember): boolean | "probe" {
  const { pools, health } = run.deps;
  const quota = pools.admit(m.key);
  if (!quota.ok) {
    run.parked.push({ key: m.key, until: quota.until });
    skip(run, candidate, m, quota.reason);
    return false;
  }
  const admission = health.admit(m.key);
  if (!admission.ok) {
    if (quota.probe) pools.release(m.key);
    run.cooling.push({ candidate, adapter, until: admission.until, account: m.account.name });
    skip(run, candidate, m, admission.reason);
    return false;
  }
  return quota.probe || admission.probe ? "probe" : true;
}

/**
 * One mapping whose provider holds a pool: its accounts in the strategy's order, the session's
 * own account first unless it is over the shedding threshold. A rate-limited or overloaded
 * account passes the request to the next; the session is bound to whichever answers.
 */
export async function tryPool(
  run: Run,
  candidate: Candidate,
  adapter: ProviderAdapter,
  attempt: AccountAttempt,
): Promise<ForwardResult | undefined> {
  const { pools, log } = run.deps;
  const pool = adapter.config.pool ?? DEFAULT_POOL;
  const session = sessionKey(run.req, run.opts.inbound);
  const pinned = pools.affinity.get(adapter.name, session, pools.now());
  const ordered = preferPinned(
    orderPool(members(run, adapter), pool.strategy, pools.scores),
    pinned,
    pool.shed_utilization,
  );
  for (const m of ordered) {
    const admitted = admit(run, candidate, adapter, m);
    if (!admitted) continue;
    const result = await attempt(run, candidate, adapter, admitted === "probe", m.account.name);
    if (!result) continue;
    if (pinned && pinned !== m.account.name)
      log.info(`session moved from ${adapter.name}/${pinned} to ${m.key.replace("#", "/")}`);
    pools.affinity.bind(adapter.name, session, m.account.name, pool.session_ttl_s * 1000, pools.now());
    pools.counted(m.key);
    return result;
  }
  return undefined;
}
