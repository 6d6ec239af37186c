import { UpstreamError } from "../util/errors.ts";
import type { Credentials, SendContext } from "../contracts/adapter.ts";

/**
 * One attempt with the current credentials; when the upstream answers 401 and the source can
 * refresh (OAuth, ADC), one refresh and one retry.
 */
export async function withAuthRetry<T>(
  ctx: SendContext,
  provider: string,
  attempt: (creds: Credentials) => Promise<T>,
): Promise<T> {
  try {
    return await attempt(await ctx.credentials.get());
  } catch (err) {
    const refresh = ctx.credentials.refresh;
    if (!(err instanceof UpstreamError) || err.status !== 401 || !refresh) throw err;
    ctx.log.info(`${provider}: upstream said 401, refreshing the token and retrying once`);
    return attempt(await refresh.call(ctx.credentials));
  }
}
