import { describe, expect, test } from "bun:test";
import { mapChatError } from "../../src/translate/openai-chat/errors.ts";
import { promptTooLongMessage } from "../../src/translate/shared/prompt-too-long.ts";
import { toAnthropicError } from "../../src/util/errors.ts";
import { readFixture } from "../helpers/sse.ts";

const CLAUDE_CODE_PATTERN = /prompt is too long[^0-9]*(\d+)\s*tokens?\s*>\s*(\d+)/i;
const noHeaders = new Headers();

describe("mapChatError", () => {
  test("context-length fixture → 400 in Anthropic's wording with the upstream's numbers", () => {
    const err = mapChatError({
      status: 400,
      body: readFixture("openai/error-context-length.json"),
      headers: noHeaders,
      provider: "openai",
      model: "m",
    });
    expect(err).toMatchObject({ status: 400, type: "invalid_request_error", retryable: false, provider: "openai" });
    expect(err.message).toBe("prompt is too long: 131072 tokens > 128000 maximum");
    expect(CLAUDE_CODE_PATTERN.exec(err.message)?.slice(1)).toEqual(["131072", "128000"]);
    expect(toAnthropicError(err).body.error).toEqual({ type: "invalid_request_error", message: err.message });
  });

  test("context-length wording from other servers still matches Claude Code's pattern", () => {
    const cases: [string, string][] = [
      [
        "This model's maximum context length is 8192 tokens, however you requested 9000 tokens (8000 in your prompt; 1000 for the completion).",
        "9000 tokens > 8192",
      ],
      [
        "Requested token count exceeds the model's maximum context length of 131,072 tokens. You requested a total of 140,001 tokens",
        "140001 tokens > 131072",
      ],
      ["context length exceeded: 5000 > 4096", "5000 tokens > 4096"],
      ["Please reduce the length of the messages: too many tokens", "200001 tokens > 200000"],
    ];
    for (const [upstream, expected] of cases) {
      expect(promptTooLongMessage(upstream)).toContain(expected);
      expect(promptTooLongMessage(upstream)).toMatch(CLAUDE_CODE_PATTERN);
    }
    const err = mapChatError({
      status: 413,
      body: JSON.stringify({ error: { message: "Request too large", code: "context_length_exceeded" } }),
      headers: noHeaders,
      provider: "groq",
      model: "m",
    });
    expect(err.status).toBe(400);
    expect(err.message).toMatch(CLAUDE_CODE_PATTERN);
  });

  test("status → Anthropic type and retryability; retry-after relayed", () => {
    const body = JSON.stringify({
      error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" },
    });
    const err = mapChatError({
      status: 429,
      body: body,
      headers: new Headers({ "retry-after": "7" }),
      provider: "groq",
      model: "m",
    });
    expect(err).toMatchObject({
      status: 429,
      type: "rate_limit_error",
      retryable: true,
      retryAfter: 7,
      headers: { "retry-after": "7" },
      message: "Rate limit reached",
    });
    expect(toAnthropicError(err).headers).toEqual({ "retry-after": "7" });
    const types = [401, 403, 404, 500, 503].map((s) =>
      mapChatError({ status: s, body: "{}", headers: noHeaders, provider: "p", model: "m" }),
    );
    expect(types.map((e) => [e.type, e.retryable])).toEqual([
      ["authentication_error", false],
      ["permission_error", false],
      ["not_found_error", false],
      ["api_error", true],
      ["overloaded_error", true],
    ]);
    expect(
      mapChatError({
        status: 429,
        body: "{}",
        headers: new Headers({ "retry-after-ms": "1500" }),
        provider: "p",
        model: "m",
      }).retryAfter,
    ).toBe(2);
  });

  test("plain-text and odd bodies keep a readable message", () => {
    expect(
      mapChatError({
        status: 502,
        body: "<html>Bad Gateway</html>",
        headers: noHeaders,
        provider: "ollama",
        model: "m",
      }).message,
    ).toBe("ollama returned HTTP 502: <html>Bad Gateway</html>");
    expect(mapChatError({ status: 500, body: "", headers: noHeaders, provider: "ollama", model: "m" }).message).toBe(
      "ollama returned HTTP 500",
    );
    expect(
      mapChatError({
        status: 400,
        body: JSON.stringify({ error: "model not loaded" }),
        headers: noHeaders,
        provider: "lmstudio",
        model: "m",
      }).message,
    ).toBe("model not loaded");
    expect(
      mapChatError({
        status: 400,
        body: JSON.stringify({ message: "bad field" }),
        headers: noHeaders,
        provider: "x",
        model: "m",
      }).message,
    ).toBe("bad field");
  });
});
