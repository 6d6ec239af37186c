import { describe, expect, test } from "bun:test";
import { googleErrorEvent, googleErrorToUpstream, parseRetryDelay } from "../../src/translate/gemini/errors.ts";
import { toAnthropicError } from "../../src/util/errors.ts";
import { readFixture } from "../helpers/sse.ts";

describe("parseRetryDelay", () => {
  test("protobuf durations", () => {
    expect(parseRetryDelay("32s")).toBe(32);
    expect(parseRetryDelay("1.5s")).toBe(1.5);
    expect(parseRetryDelay("300ms")).toBeCloseTo(0.3);
    expect(parseRetryDelay("1m30s")).toBe(90);
    expect(parseRetryDelay("1h")).toBe(3600);
    expect(parseRetryDelay("12")).toBe(12);
    expect(parseRetryDelay("soon")).toBeUndefined();
    expect(parseRetryDelay("5s later")).toBeUndefined();
    expect(parseRetryDelay(undefined)).toBeUndefined();
  });
});

describe("googleErrorToUpstream", () => {
  test("error-429.json: rate_limit_error, retryable, retry-after from RetryInfo", () => {
    const err = googleErrorToUpstream(429, readFixture("gemini/error-429.json"), { provider: "gemini" });
    expect(err.status).toBe(429);
    expect(err.type).toBe("rate_limit_error");
    expect(err.retryable).toBe(true);
    expect(err.retryAfter).toBe(32);
    expect(err.provider).toBe("gemini");
    expect(err.message).toBe("Resource has been exhausted (e.g. check quota).");
    const { status, body, headers } = toAnthropicError(err);
    expect(status).toBe(429);
    expect(body.error.type).toBe("rate_limit_error");
    expect(headers["retry-after"]).toBe("32");
  });

  test("Code Assist quotaResetDelay is used when there is no RetryInfo", () => {
    const body = {
      error: {
        code: 429,
        message: "You have exhausted your capacity on this model.",
        status: "RESOURCE_EXHAUSTED",
        details: [
          {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            reason: "RATE_LIMIT_EXCEEDED",
            domain: "cloudcode-pa.googleapis.com",
            metadata: { quotaResetDelay: "1.5s" },
          },
        ],
      },
    };
    const err = googleErrorToUpstream(429, body);
    expect(err.retryAfter).toBe(1.5);
    expect(err.headers["retry-after"]).toBe("2");
  });

  test("retry-after header is the last resort", () => {
    const err = googleErrorToUpstream(
      429,
      { error: { code: 429, message: "x", status: "RESOURCE_EXHAUSTED" } },
      { headers: new Headers({ "retry-after": "7" }) },
    );
    expect(err.retryAfter).toBe(7);
  });

  test("context overflow is reworded the way Claude Code parses it", () => {
    const body = {
      error: {
        code: 400,
        message: "The input token count (1234567) exceeds the maximum number of tokens allowed (1048576).",
        status: "INVALID_ARGUMENT",
      },
    };
    const err = googleErrorToUpstream(400, body);
    expect(err.status).toBe(400);
    expect(err.type).toBe("invalid_request_error");
    expect(err.message).toBe("prompt is too long: 1234567 tokens > 1048576 maximum");
    expect(err.retryable).toBe(false);
  });

  test("status names map to Anthropic types", () => {
    const cases: [string, number, number, string][] = [
      ["INVALID_ARGUMENT", 400, 400, "invalid_request_error"],
      ["UNAUTHENTICATED", 401, 401, "authentication_error"],
      ["PERMISSION_DENIED", 403, 403, "permission_error"],
      ["NOT_FOUND", 404, 404, "not_found_error"],
      ["INTERNAL", 500, 500, "api_error"],
      ["UNAVAILABLE", 503, 503, "overloaded_error"],
      ["DEADLINE_EXCEEDED", 504, 504, "timeout_error"],
    ];
    for (const [status, code, expectedStatus, type] of cases) {
      const err = googleErrorToUpstream(code, { error: { code, message: "m", status } });
      expect([err.status, err.type]).toEqual([expectedStatus, type as never]);
    }
  });

  test("an invalid API key (400 from Google) is an authentication error", () => {
    const body = {
      error: {
        code: 400,
        message: "API key not valid. Please pass a valid API key.",
        status: "INVALID_ARGUMENT",
        details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID" }],
      },
    };
    const err = googleErrorToUpstream(400, body);
    expect([err.status, err.type]).toEqual([401, "authentication_error"]);
  });

  test("array bodies and non-JSON bodies", () => {
    expect(
      googleErrorToUpstream(500, [{ error: { code: 500, message: "in array", status: "INTERNAL" } }]).message,
    ).toBe("in array");
    const plain = googleErrorToUpstream(502, "<html>Bad Gateway</html>");
    expect([plain.status, plain.type, plain.message]).toEqual([502, "api_error", "<html>Bad Gateway</html>"]);
    expect(googleErrorToUpstream(503, "").message).toBe("Gemini returned HTTP 503");
  });

  test("stream error chunks become error events", () => {
    expect(googleErrorEvent({ code: 429, message: "quota", status: "RESOURCE_EXHAUSTED" })).toEqual({
      type: "error",
      error: { type: "rate_limit_error", message: "quota" },
    });
  });
});
