import type { ProviderAdapter } from "../contracts/adapter.ts";
import type { Candidate } from "../router/resolve.ts";
import { healthKey } from "../providers/health.ts";
import { DEFAULT_POOL } from "../config/normalize-accounts.ts";
import { sessionKey } from "../pool/session-key.ts";
import { orderPool, preferPinned, type PoolMember } from "../pool/select.ts";
import type { ForwardResult, Run } from "./failover.ts";

/** failover's own attempt: one account of the pool, its health and quota recorded. */
export type AccountAttempt<T> = (
  run: Run<T>,
  candidate: Candidate,
  adapter: ProviderAdapter,
  probe: boolean,
  account: string,
) => Promise<ForwardResult<T> | undefined>;

function members(run: Run<unknown>, adapter: ProviderAdapter): PoolMember[] {
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

function skip(run: Run<unknown>, candidate: Candidate, account: string | undefined, key: string, reason: string): void {
  run.deps.log.info(`skipping ${key.replace("#", "/")}: ${reason}`);
  run.attempts.push({ provider: candidate.provider, account, model: candidate.model, outcome: reason, skipped: true });
}

/**
 * Takes a provider's (or pool account's) park slot, then its health slot; false (and noted in
 * the run) when either refuses, "probe" when this request is the one probe after a park or a cooldown.
 */
export function admit(
  run: Run<unknown>,
  candidate: Candidate,
  adapter: ProviderAdapter,
  account?: string,
): false | true | "probe" | "quota-probe" {
  const { pools, health } = run.deps;
  const key = healthKey(adapter.name, account);
  const quota = pools.admit(key);
  if (!quota.ok) {
    run.parked.push({ key, until: quota.until });
    skip(run, candidate, account, key, quota.reason);
    return false;
  }
  const admission = health.admit(key);
  if (!admission.ok) {
    if (quota.probe) pools.release(key);
    run.cooling.push({ candidate, adapter, until: admission.until, account });
    skip(run, candidate, account, key, admission.reason);
    return false;
  }
  if (quota.probe) return "quota-probe";
  return admission.probe ? "probe" : true;
}

/**
 * One mapping whose provider holds a pool: its accounts in the strategy's order, the session's
 * own account first unless it is over the shedding threshold. A rate-limited or overloaded
 * account passes the request to the next; the session is bound to whichever answers.
 */
export async function tryPool<T>(
  run: Run<T>,
  candidate: Candidate,
  adapter: ProviderAdapter,
  attempt: AccountAttempt<T>,
): Promise<ForwardResult<T> | undefined> {
  const { pools, log } = run.deps;
  const pool = adapter.config.pool ?? DEFAULT_POOL;
  run.leavePool = false;
  const session = sessionKey(run.req, run.opts.inbound);
  const pinned = pools.affinity.get(adapter.name, session, pools.now());
  const ordered = preferPinned(
    orderPool(members(run, adapter), pool.strategy, pools.scores),
    pinned,
    pool.shed_utilization,
  );
  for (const [i, m] of ordered.entries()) {
    if (run.leavePool) break;
    run.lastAccount = i === ordered.length - 1;
    const admitted = admit(run, candidate, adapter, m.account.name);
    if (!admitted) continue;
    if (admitted === "quota-probe" && !(await pools.claimProbe(m.key))) {
      pools.release(m.key);
      run.deps.health.released(m.key);
      skip(run, candidate, m.account.name, m.key, "another ccmux process is probing it, or parked it again");
      continue;
    }
    const result = await attempt(run, candidate, adapter, admitted !== true, m.account.name);
    if (!result) continue;
    if (pinned && pinned !== m.account.name)
      log.info(`session moved from ${adapter.name}/${pinned} to ${m.key.replace("#", "/")}`);
    pools.affinity.bind(adapter.name, session, m.account.name, pool.session_ttl_s * 1000, pools.now());
    pools.counted(m.key);
    return result;
  }
  return undefined;
}
