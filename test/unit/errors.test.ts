import { describe, expect, test } from "bun:test";
import { mapAnthropicError } from "../../src/translate/anthropic/errors.ts";
import { AuthError, RequestError, UpstreamError, errorTypeForStatus, toAnthropicError } from "../../src/util/errors.ts";

describe("errors", () => {
  test("Anthropic's status/type pairs", () => {
    const pairs: [number, string][] = [
      [400, "invalid_request_error"],
      [401, "authentication_error"],
      [402, "billing_error"],
      [403, "permission_error"],
      [404, "not_found_error"],
      [409, "conflict_error"],
      [413, "request_too_large"],
      [429, "rate_limit_error"],
      [500, "api_error"],
      [504, "timeout_error"],
      [529, "overloaded_error"],
      [418, "invalid_request_error"],
      [503, "api_error"],
    ];
    for (const [status, type] of pairs) expect(errorTypeForStatus(status)).toBe(type as never);
  });

  test("every error becomes one envelope", () => {
    expect(toAnthropicError(new RequestError("bad"))).toEqual({
      status: 400,
      body: { type: "error", error: { type: "invalid_request_error", message: "bad" } },
      headers: {},
    });
    expect(toAnthropicError(new AuthError("who")).body.error.type).toBe("authentication_error");
    const unknown = toAnthropicError(new TypeError("x is undefined"));
    expect(unknown.status).toBe(500);
    expect(unknown.body.error.type).toBe("api_error");
  });

  test("upstream errors are retryable only for 408, 429 and 5xx", () => {
    for (const s of [408, 429, 500, 502, 503, 529])
      expect(new UpstreamError({ status: s, message: "" }).retryable).toBe(true);
    for (const s of [400, 401, 403, 404, 413, 422])
      expect(new UpstreamError({ status: s, message: "" }).retryable).toBe(false);
  });

  test("an Anthropic upstream error keeps status, type, message and retry headers", () => {
    const headers = new Headers({
      "retry-after": "12",
      "anthropic-ratelimit-requests-remaining": "0",
      "x-other": "no",
    });
    const err = mapAnthropicError({
      status: 429,
      body: JSON.stringify({ type: "error", error: { type: "rate_limit_error", message: "Too many" } }),
      headers: headers,
      provider: "p",
      model: "m",
    });
    expect(err.status).toBe(429);
    expect(err.type).toBe("rate_limit_error");
    expect(err.message).toBe("Too many");
    expect(err.retryAfter).toBe(12);
    expect(err.headers).toEqual({ "retry-after": "12", "anthropic-ratelimit-requests-remaining": "0" });
  });

  test("a non-JSON upstream error body becomes the message", () => {
    const err = mapAnthropicError({
      status: 502,
      body: "<html>Bad gateway</html>",
      headers: new Headers(),
      provider: "p",
      model: "m",
    });
    expect(err.type).toBe("api_error");
    expect(err.message).toBe("<html>Bad gateway</html>");
  });
});
