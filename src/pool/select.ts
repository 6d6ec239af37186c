import type { AccountConfig, PoolStrategy } from "../config/types.ts";

/** One account as selection sees it. */
export interface PoolMember {
  account: AccountConfig;
  /** `provider#account`: its health, quota and credential key. */
  key: string;
  /** Neither parked nor cooling down. */
  ready: boolean;
  /** Spent fraction of its tightest window. */
  utilization: number;
  requests: number;
}

/**
 * Smooth weighted round-robin (as nginx does it): every pick adds each ready account's weight to
 * its running score, takes the highest and subtracts the total from it. Weights 2:1:1 give
 * a, b, a, c, ... and never two turns of a weight-1 account in a row.
 */
function roundRobin(ready: PoolMember[], scores: Map<string, number>): PoolMember[] {
  const total = ready.reduce((sum, m) => sum + m.account.weight, 0);
  let best: PoolMember | undefined;
  for (const m of ready) {
    const score = (scores.get(m.key) ?? 0) + m.account.weight;
    scores.set(m.key, score);
    if (!best || score > scores.get(best.key)!) best = m;
  }
  if (!best) return [];
  scores.set(best.key, scores.get(best.key)! - total);
  const at = ready.indexOf(best);
  return [...ready.slice(at), ...ready.slice(0, at)];
}

/** Most quota left in the tightest window first; then the one that served fewer requests; then file order. */
function leastUsed(ready: PoolMember[]): PoolMember[] {
  return ready
    .map((m, i) => ({ m, i }))
    .sort((a, b) => a.m.utilization - b.m.utilization || a.m.requests - b.m.requests || a.i - b.i)
    .map(({ m }) => m);
}

/**
 * The order in which one request tries a pool's accounts: the ready ones by the strategy, then
 * the parked and cooling ones (they are skipped, but named in the answer if all are).
 */
export function orderPool(members: PoolMember[], strategy: PoolStrategy, scores: Map<string, number>): PoolMember[] {
  const ready = members.filter((m) => m.ready);
  const waiting = members.filter((m) => !m.ready);
  const ordered =
    strategy === "fill-first" ? ready : strategy === "round-robin" ? roundRobin(ready, scores) : leastUsed(ready);
  return [...ordered, ...waiting];
}

/**
 * Puts a session's account first when it is ready and not over the shedding threshold; a
 * session on an account that has grown too full is let go, so it moves to the best one.
 */
export function preferPinned(ordered: PoolMember[], pinned: string | undefined, shedAt: number): PoolMember[] {
  if (!pinned) return ordered;
  const m = ordered.find((x) => x.account.name === pinned);
  if (!m?.ready || m.utilization >= shedAt) return ordered;
  return [m, ...ordered.filter((x) => x !== m)];
}
