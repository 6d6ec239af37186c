import type { ErrorRule } from "../config/types.ts";
import { UpstreamError } from "../util/errors.ts";
import type { Run } from "./failover.ts";

export interface FailureFacts {
  probe: boolean;
  /** The answer's own quota headers parked the account already. */
  parked: boolean;
  account?: string;
  rule?: ErrorRule;
}

/**
 * What one failed attempt does to its account's (or provider's) health. A quota park or a
 * `stop` rule says nothing against it; a `cooldown` rule parks it for the rule's duration; an
 * upstream client error means it is up; anything else counts as a failure.
 */
export function settleHealth(run: Run<unknown>, key: string, err: unknown, f: FailureFacts): void {
  const { health, pools } = run.deps;
  if (f.rule?.action === "cooldown" && !f.parked) {
    const until = pools.park(
      key,
      f.rule.cooldown_ms!,
      `error rule (${err instanceof UpstreamError ? err.status : "error"})`,
    );
    run.parked.push({ key, until });
    health.released(key);
    return;
  }
  if (f.parked || f.rule?.action === "stop") health.released(key);
  else if (err instanceof UpstreamError && !err.retryable) health.succeeded(key);
  else health.failed(key, err, f.probe);
  if (f.account && !f.parked) pools.release(key);
}
