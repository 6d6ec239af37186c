import { healthKey } from "../providers/health.ts";
import { PoolExhausted, type ParkedAccount } from "../pool/exhausted.ts";
import { ClientAbort } from "../util/errors.ts";
import { sleep } from "../util/sleep.ts";
import type { AppDeps } from "./deps.ts";

/** The `wait_for_reset_max_s` of the pool holding this account, in ms; 0 when it has none. */
function waitBoundMs(deps: AppDeps, key: string): number {
  for (const p of deps.config.providers) {
    if (p.accounts?.some((a) => healthKey(p.name, a.name) === key)) return (p.pool?.wait_for_reset_max_s ?? 0) * 1000;
  }
  return 0;
}

/** The earliest reset a parked account's pool allows waiting for, or undefined when none is near enough. */
export function resetToWaitFor(parked: ParkedAccount[], deps: AppDeps): number | undefined {
  const now = deps.pools.now();
  const near = parked.filter((p) => p.until - now <= waitBoundMs(deps, p.key)).map((p) => p.until);
  return near.length > 0 ? Math.min(...near) : undefined;
}

/** Accounts skipped only because another request holds their probe right now. */
function probesInFlight(err: unknown, deps: AppDeps): string[] {
  if (!(err instanceof PoolExhausted)) return [];
  const now = deps.pools.now();
  return err.parked.filter((p) => p.until <= now && deps.pools.peek(p.key)?.probing).map((p) => p.key);
}

/** Resolves when `done` does; rejects with ClientAbort as soon as `signal` aborts. */
function unlessAborted(done: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new ClientAbort());
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new ClientAbort());
    signal.addEventListener("abort", onAbort, { once: true });
  });
  return Promise.race([done, aborted]).finally(() => signal.removeEventListener("abort", onAbort));
}

/**
 * The try after the reset. Requests held for the same reset wake together and only one may probe
 * an account: the others wait for that probe's verdict (the client leaving ends the wait), then try again.
 */
async function afterReset<T>(attempt: () => Promise<T>, deps: AppDeps, signal: AbortSignal): Promise<T> {
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      const probing = probesInFlight(err, deps);
      if (probing.length === 0) throw err;
      deps.log.info(`waiting for the probe in flight on ${probing.join(", ")}`);
      await unlessAborted(Promise.race(probing.map((key) => deps.pools.probeSettled(key))), signal);
    }
  }
}

/**
 * Runs `attempt`; when it finds every account parked and one of them resets within its pool's
 * `wait_for_reset_max_s`, holds the request until that reset (the client leaving ends the wait
 * with ClientAbort) and tries once more. Anything else, or a reset beyond the bound, is thrown as is.
 */
export async function retryAfterReset<T>(attempt: () => Promise<T>, deps: AppDeps, signal: AbortSignal): Promise<T> {
  try {
    return await attempt();
  } catch (err) {
    if (!(err instanceof PoolExhausted)) throw err;
    const until = resetToWaitFor(err.parked, deps);
    if (until === undefined) throw err;
    const seconds = Math.max(0, Math.ceil((until - deps.pools.now()) / 1000));
    deps.log.info(`${err.message}; holding the request ${seconds} s for it (wait_for_reset_max_s)`);
    for (let left = until - deps.pools.now(); left > 0; left = until - deps.pools.now()) await sleep(left, signal);
    return afterReset(attempt, deps, signal);
  }
}
