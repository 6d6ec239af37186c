import { describe, expect, test } from "bun:test";
import { responsesHttpError } from "../../src/translate/responses/errors.ts";
import { UpstreamError } from "../../src/util/errors.ts";

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const err = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  responsesHttpError(status, typeof body === "string" ? body : JSON.stringify(body), {
    headers: new Headers(headers),
    now: () => NOW,
  });

describe("responsesHttpError", () => {
  test("Codex usage limit (429, resets_in_seconds) → rate_limit_error with retry-after, worth failing over", () => {
    const e = err(429, {
      error: {
        type: "usage_limit_reached",
        message: "The usage limit has been reached",
        plan_type: "plus",
        resets_in_seconds: 3600,
      },
    });
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e).toMatchObject({
      status: 429,
      type: "rate_limit_error",
      retryAfter: 3600,
      retryable: true,
      headers: { "retry-after": "3600" },
    });
    expect(e.message).toContain("The usage limit has been reached");
  });

  test("usage_limit_reached sent as a 404 with resets_at is still a 429", () => {
    const e = err(404, { error: { code: "usage_limit_reached", message: "limit", resets_at: NOW / 1000 + 90 } });
    expect(e).toMatchObject({ status: 429, type: "rate_limit_error", retryAfter: 90 });
  });

  test("retry-after headers are relayed", () => {
    expect(
      err(429, { error: { code: "rate_limit_exceeded", message: "slow down" } }, { "retry-after": "7" }),
    ).toMatchObject({ retryAfter: 7, headers: { "retry-after": "7" } });
    expect(err(429, { error: { message: "Please try again in 1.2s" } })).toMatchObject({
      type: "rate_limit_error",
      retryAfter: 2,
    });
  });

  test("{detail} bodies and plain text", () => {
    const e = err(400, { detail: "The 'gpt-4o' model is not supported when using Codex with a ChatGPT account." });
    expect(e).toMatchObject({
      status: 400,
      type: "invalid_request_error",
      retryable: false,
    });
    // the upstream's words are kept, inside a message that says what to change
    expect(e.message).toContain("The 'gpt-4o' model is not supported when using Codex with a ChatGPT account.");
    expect(e.message).toContain("README lists the current names");
    expect(err(502, "<html>bad gateway</html>")).toMatchObject({
      status: 502,
      type: "api_error",
      retryable: true,
      message: "<html>bad gateway</html>",
    });
  });

  test("status mapping: 401, 403, 503, and code-driven types", () => {
    expect(err(401, { error: { message: "expired", code: "token_expired" } })).toMatchObject({
      status: 401,
      type: "authentication_error",
    });
    expect(err(403, { error: { message: "nope" } })).toMatchObject({ status: 403, type: "permission_error" });
    expect(err(503, { error: { message: "busy" } })).toMatchObject({
      status: 503,
      type: "overloaded_error",
      retryable: true,
    });
    expect(
      err(429, { error: { type: "insufficient_quota", code: "insufficient_quota", message: "quota" } }),
    ).toMatchObject({ status: 402, type: "billing_error", retryable: true });
  });

  test("context_length_exceeded → prompt is too long", () => {
    const e = err(400, {
      error: {
        code: "context_length_exceeded",
        message:
          "This model's maximum context length is 272000 tokens. However, your messages resulted in 280123 tokens.",
      },
    });
    expect(e).toMatchObject({
      status: 400,
      type: "invalid_request_error",
      message: "prompt is too long: 280123 tokens > 272000 maximum",
    });
  });
});
