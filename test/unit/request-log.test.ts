import { describe, expect, test } from "bun:test";
import { logFields, requestLine } from "../../src/proxy/request-log.ts";
import type { FinishedRequest } from "../../src/proxy/request-record.ts";

function record(extra: Partial<FinishedRequest> = {}): FinishedRequest {
  return {
    time: 0,
    id: "r1",
    endpoint: "/v1/messages",
    requestedModel: "claude-sonnet-4-6",
    route: "default",
    provider: "up",
    upstreamModel: "glm-4.6",
    stream: true,
    status: 200,
    latencyMs: 812.4,
    ttftMs: 120.2,
    attempts: [{ provider: "up", model: "glm-4.6", outcome: "ok" }],
    tokens: { input: 12, output: 34, cacheRead: 3, cacheWrite: 0 },
    subscription: false,
    clientAbort: false,
    ...extra,
  };
}

describe("logFields", () => {
  test("an answered request: requested model → route → provider/model, endpoint, mode, status, latency, tokens, attempts", () => {
    expect(logFields(record())).toEqual([
      ["model", "claude-sonnet-4-6 → default → up/glm-4.6"],
      ["endpoint", "/v1/messages"],
      ["mode", "stream"],
      ["status", "200"],
      ["latency", "812ms (first byte 120ms)"],
      ["tokens", "in 12 out 34 cached 3"],
      ["attempts", "1"],
    ]);
    expect(requestLine(record())).toBe(
      "claude-sonnet-4-6 → default → up/glm-4.6 /v1/messages stream 200 812ms (first byte 120ms) tokens in 12 out 34 cached 3 attempts 1",
    );
  });

  test("failover: who was skipped, who failed and why, who answered; a pooled account by name", () => {
    const r = record({
      stream: false,
      ttftMs: undefined,
      provider: "pool",
      account: "max-2",
      upstreamModel: "claude-sonnet-4-5",
      tokens: { input: 5, output: 1, cacheRead: 0, cacheWrite: 7 },
      attempts: [
        { provider: "a", model: "m1", outcome: "cooling down for 29 s after 429", skipped: true },
        { provider: "b", model: "m2", outcome: "529 Overloaded", errorType: "overloaded_error" },
        { provider: "pool", account: "max-2", model: "claude-sonnet-4-5", outcome: "ok" },
      ],
    });
    const fields = Object.fromEntries(logFields(r));
    expect(fields.model).toBe("claude-sonnet-4-6 → default → pool[max-2]/claude-sonnet-4-5");
    expect(fields.mode).toBe("json");
    expect(fields.latency).toBe("812ms");
    expect(fields.tokens).toBe("in 5 out 1 cached 0 cache-write 7");
    expect(fields.attempts).toBe(
      "3 [a/m1 skipped (cooling down for 29 s after 429); b/m2 failed overloaded_error (529 Overloaded); pool[max-2]/claude-sonnet-4-5 ok]",
    );
  });

  test("a client that went away, and a stream that broke, are on the line", () => {
    const aborted = record({ clientAbort: true, failure: "stream ended before message_stop" });
    expect(Object.fromEntries(logFields(aborted))).toMatchObject({
      abort: "client aborted",
      failure: "stream ended before message_stop",
    });
    expect(requestLine(aborted)).toEndWith("attempts 1 [client aborted] [stream ended before message_stop]");
  });

  test("a request that failed before any provider answered, and one refused before routing", () => {
    const left = record({
      status: 499,
      clientAbort: true,
      tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
      attempts: [{ provider: "up", model: "glm-4.6", outcome: "client aborted" }],
    });
    expect(requestLine(left)).toContain(" 499 ");
    expect(Object.fromEntries(logFields(left)).attempts).toBe("1 [up/glm-4.6 failed (client aborted)]");
    const unrouted = record({
      route: "",
      provider: "",
      upstreamModel: "",
      status: 404,
      attempts: [],
      failure: `not_found_error: model "nope" is not configured in ccmux. ${"x".repeat(400)}`,
    });
    const fields = Object.fromEntries(logFields(unrouted));
    expect(fields.model).toBe("claude-sonnet-4-6 → ? → (no provider)");
    expect(fields.attempts).toBe("0");
    expect(fields.failure!.length).toBeLessThanOrEqual(240);
    expect(fields.failure).toEndWith("…");
  });

  test("an attempt's long or multi-line reason is cut to one short line", () => {
    const why = `502 upstream said:\n${"word ".repeat(100)}`;
    const r = record({ attempts: [{ provider: "b", model: "m", outcome: why }, ...record().attempts] });
    const attempts = Object.fromEntries(logFields(r)).attempts!;
    expect(attempts).not.toContain("\n");
    expect(attempts.length).toBeLessThan(260);
  });
});
