import { describe, expect, test } from "bun:test";
import { withQuotaWait } from "../../src/providers/gemini/quota-wait.ts";
import type { SendContext } from "../../src/contracts/adapter.ts";
import { ClientAbort, UpstreamError } from "../../src/util/errors.ts";
import { createLogger } from "../../src/util/log.ts";

const log = createLogger({ level: "silent", plain: true });
const ctxWith = (signal: AbortSignal) => ({ signal, log }) as unknown as SendContext;
const quota = (retryAfter?: number) => new UpstreamError({ status: 429, message: "quota", retryAfter });

function failing(errors: unknown[]) {
  const calls = { n: 0 };
  const attempt = async () => {
    const err = errors[calls.n++];
    if (err) throw err;
    return "ok";
  };
  return { calls, attempt };
}

describe("withQuotaWait", () => {
  test("waits out a short RetryInfo delay and retries", async () => {
    const { calls, attempt } = failing([quota(0.01), quota(0.01)]);
    expect(await withQuotaWait(ctxWith(new AbortController().signal), "p", attempt)).toBe("ok");
    expect(calls.n).toBe(3);
  });

  test("gives up after the last retry with the 429 itself (retryable, with retryAfter)", async () => {
    const { calls, attempt } = failing([quota(0.01), quota(0.01), quota(0.01)]);
    const err = await withQuotaWait(ctxWith(new AbortController().signal), "p", attempt).catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.retryable).toBe(true);
    expect(err.retryAfter).toBe(0.01);
    expect(calls.n).toBe(3);
  });

  test("a delay above the bound, no delay, or another status is thrown at once", async () => {
    for (const err of [quota(6), quota(undefined), new UpstreamError({ status: 503, message: "x", retryAfter: 1 })]) {
      const { calls, attempt } = failing([err]);
      expect(await withQuotaWait(ctxWith(new AbortController().signal), "p", attempt).catch((e) => e)).toBe(err);
      expect(calls.n).toBe(1);
    }
  });

  test("the client's disconnect cuts the wait short", async () => {
    const ac = new AbortController();
    const { calls, attempt } = failing([quota(5)]);
    const started = performance.now();
    const pending = withQuotaWait(ctxWith(ac.signal), "p", attempt).catch((e) => e);
    await Bun.sleep(10);
    ac.abort();
    expect(await pending).toBeInstanceOf(ClientAbort);
    expect(performance.now() - started).toBeLessThan(4000);
    expect(calls.n).toBe(1);
  });
});
