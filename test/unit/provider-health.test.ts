import { describe, expect, test } from "bun:test";
import { createProviderHealth, healthKey } from "../../src/providers/health.ts";
import { AuthError, ClientAbort, RequestError, UpstreamError } from "../../src/util/errors.ts";
import { provider } from "../helpers/in-process.ts";

const SETTINGS = { failure_threshold: 3, cooldown_ms: 5_000, max_cooldown_ms: 600_000 };

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

const e503 = () => new UpstreamError({ status: 503, message: "unavailable" });
const e429 = (retryAfter?: number) => new UpstreamError({ status: 429, message: "slow down", retryAfter });

describe("provider health", () => {
  test("three consecutive retryable failures open a cooldown; then exactly one probe is let through", () => {
    const c = clock();
    const h = createProviderHealth(SETTINGS, c.now);
    for (let i = 0; i < 2; i++) h.failed("p", e503(), false);
    expect(h.admit("p")).toEqual({ ok: true, probe: false });
    h.failed("p", e503(), false);
    const skipped = h.admit("p");
    expect(skipped).toMatchObject({
      ok: false,
      reason: "cooling down for 5 s after 3 consecutive failures (last: 503)",
    });
    expect(h.snapshot("p")).toMatchObject({ state: "cooldown", consecutive_failures: 3, last_error: "unavailable" });
    c.t += 5_000;
    expect(h.snapshot("p").state).toBe("half-open");
    expect(h.admit("p")).toEqual({ ok: true, probe: true });
    expect(h.admit("p")).toMatchObject({ ok: false, reason: "half-open, a probe request is in flight" });
  });

  test("a successful probe closes the circuit", () => {
    const c = clock();
    const h = createProviderHealth(SETTINGS, c.now);
    for (let i = 0; i < 3; i++) h.failed("p", e503(), false);
    c.t += 5_000;
    expect(h.admit("p")).toEqual({ ok: true, probe: true });
    h.succeeded("p");
    expect(h.snapshot("p")).toMatchObject({
      state: "healthy",
      consecutive_failures: 0,
      cooldown_until: null,
      last_error: "unavailable",
    });
    expect(h.admit("p")).toEqual({ ok: true, probe: false });
  });

  test("a failed probe re-opens with a doubled cooldown, capped", () => {
    const c = clock();
    const h = createProviderHealth({ ...SETTINGS, max_cooldown_ms: 12_000 }, c.now);
    for (let i = 0; i < 3; i++) h.failed("p", e503(), false);
    const lengths: number[] = [];
    for (let round = 0; round < 3; round++) {
      const until = Date.parse(h.snapshot("p").cooldown_until!);
      lengths.push(until - c.t);
      c.t = until;
      expect(h.admit("p")).toEqual({ ok: true, probe: true });
      h.failed("p", e503(), true);
    }
    expect(lengths).toEqual([5_000, 10_000, 12_000]);
    expect(h.admit("p")).toMatchObject({ ok: false, reason: "cooling down for 12 s after failed probe (503)" });
  });

  test("one 429 with retry-after opens a cooldown of that length at once, capped", () => {
    const c = clock();
    const h = createProviderHealth(SETTINGS, c.now);
    h.failed("p", e429(12), false);
    expect(h.admit("p")).toMatchObject({ ok: false, reason: "cooling down for 12 s after 429" });
    h.failed("q", e429(99_999), false);
    expect(Date.parse(h.snapshot("q").cooldown_until!) - c.t).toBe(600_000);
    h.failed("r", e429(), false);
    expect(h.admit("r").ok).toBe(true);
  });

  test("client errors, auth problems and aborts say nothing about the provider", () => {
    const h = createProviderHealth({ ...SETTINGS, failure_threshold: 1 });
    h.failed("p", new RequestError("bad"), false);
    h.failed("p", new UpstreamError({ status: 400, message: "prompt is too long" }), false);
    h.failed("p", new AuthError("no token"), false);
    h.failed("p", new ClientAbort(), false);
    expect(h.snapshot("p")).toMatchObject({ state: "healthy", consecutive_failures: 0 });
  });

  test("an aborted probe frees the half-open slot", () => {
    const c = clock();
    const h = createProviderHealth({ ...SETTINGS, failure_threshold: 1 }, c.now);
    h.failed("p", e503(), false);
    c.t += 5_000;
    expect(h.admit("p")).toEqual({ ok: true, probe: true });
    h.released("p");
    expect(h.admit("p")).toEqual({ ok: true, probe: true });
  });

  test("secrets in error messages are redacted", () => {
    const h = createProviderHealth(SETTINGS);
    h.failed("p", new UpstreamError({ status: 500, message: "bad key sk-ant-abcdefghijklmnop" }), false);
    expect(h.snapshot("p").last_error).not.toContain("abcdefghijklmnop");
  });

  test("sync keeps the state of unchanged providers and forgets removed or changed ones", () => {
    const h = createProviderHealth({ ...SETTINGS, failure_threshold: 1 });
    const a = provider("a", "http://127.0.0.1:1");
    const b = provider("b", "http://127.0.0.1:2");
    h.sync([a, b]);
    h.failed("a", e503(), false);
    h.failed(healthKey("b", "acct-1"), e503(), false);
    h.sync([a, { ...b, base_url: "http://127.0.0.1:3" }]);
    expect(h.snapshot("a").state).toBe("cooldown");
    expect(h.snapshot(healthKey("b", "acct-1")).state).toBe("healthy");
    h.sync([b]);
    expect(h.snapshot("a").state).toBe("healthy");
  });
});
