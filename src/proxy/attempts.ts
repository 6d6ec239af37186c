import { CcmuxError, UpstreamError } from "../util/errors.ts";

export interface Attempt {
  provider: string;
  /** The pool account tried, by name. */
  account?: string;
  model: string;
  outcome: string;
  /** The Anthropic error type of a failed attempt (rate_limit_error, overloaded_error, api_error, …). */
  errorType?: string;
  /** Not tried because the provider is cooling down. */
  skipped?: boolean;
}

export const attemptName = (a: { provider: string; account?: string }) =>
  a.account ? `${a.provider}/${a.account}` : a.provider;

function summarize(attempts: Attempt[]): string {
  const list = (xs: Attempt[]) => xs.map((a) => `${attemptName(a)} (${a.outcome})`).join(", ");
  const tried = attempts.filter((a) => !a.skipped);
  const skipped = attempts.filter((a) => a.skipped);
  return `${list(tried) || "none"}${skipped.length ? `; skipped: ${list(skipped)}` : ""}`;
}

/** Every candidate failed (or was skipped) with errors another provider might not repeat. */
export class FailoverExhausted extends UpstreamError {}

export function allFailed(attempts: Attempt[], last: unknown, model: string): FailoverExhausted {
  const tried = summarize(attempts);
  if (last instanceof CcmuxError) {
    const upstream = last instanceof UpstreamError ? last : undefined;
    return new FailoverExhausted({
      status: last.status,
      type: last.type,
      message: `${last.message} (all providers for model "${model}" failed; tried: ${tried})`,
      retryable: upstream?.retryable,
      retryAfter: upstream?.retryAfter,
      headers: upstream?.headers,
    });
  }
  return new FailoverExhausted({
    status: 502,
    message: `No provider could serve model "${model}"; tried: ${tried}`,
    retryable: true,
  });
}
