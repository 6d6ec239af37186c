import type { FetchFn } from "../contracts/adapter.ts";
import { readQuota, type QuotaReading } from "./quota-reading.ts";

/** The last upstream answer an adapter received during one attempt. */
export interface SeenAnswer {
  status?: number;
  headers?: Headers;
  /** A 429's body (Codex says when it resets there); read by the adapter, copied here. */
  body?: Promise<string>;
}

/**
 * The attempt's fetch, noting each answer's status and headers so the account's quota can be
 * read whatever dialect the adapter speaks. Only a 429's body is copied (it is small, and the
 * adapter reads it whole anyway).
 */
export function observingFetch(fetch: FetchFn, seen: SeenAnswer): FetchFn {
  return async (input, init) => {
    const res = await fetch(input, init);
    seen.status = res.status;
    seen.headers = res.headers;
    seen.body =
      res.status === 429
        ? res
            .clone()
            .text()
            .catch(() => "")
        : undefined;
    return res;
  };
}

export async function quotaOf(seen: SeenAnswer, now: number): Promise<QuotaReading | undefined> {
  if (!seen.headers || seen.status === undefined) return undefined;
  return readQuota(seen.headers, seen.status, await seen.body, now);
}
