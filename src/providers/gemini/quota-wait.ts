import { UpstreamError } from "../../util/errors.ts";
import { sleep } from "../../util/sleep.ts";
import type { SendContext } from "../../contracts/adapter.ts";

export interface QuotaWaitLimits {
  /** Longest RetryInfo delay worth waiting out; a longer one fails over at once. */
  maxWaitSeconds: number;
  maxRetries: number;
}

export const QUOTA_WAIT_LIMITS: QuotaWaitLimits = { maxWaitSeconds: 5, maxRetries: 2 };

/**
 * Google's 429 RESOURCE_EXHAUSTED often says how long to wait (RetryInfo). A short wait is
 * waited out here (the client's disconnect cuts it short); a long one, or a 429 after the
 * last retry, is thrown as is: a retryable UpstreamError with `retryAfter`, so failover moves on.
 */
export async function withQuotaWait<T>(
  ctx: SendContext,
  provider: string,
  attempt: () => Promise<T>,
  limits = QUOTA_WAIT_LIMITS,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (err) {
      const wait = err instanceof UpstreamError && err.status === 429 ? err.retryAfter : undefined;
      if (wait === undefined || wait > limits.maxWaitSeconds || retry >= limits.maxRetries) throw err;
      ctx.log.info(`${provider}: quota exhausted, retrying in ${wait} s as the upstream asked`);
      await sleep(wait * 1000, ctx.signal);
    }
  }
}
