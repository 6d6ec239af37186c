import { describe, expect, test } from "bun:test";
import { fromChatResponse } from "../../src/translate/openai-chat/response.ts";
import { PLACEHOLDER_SIGNATURE } from "../../src/translate/shared/thinking-signature.ts";
import { readFixtureJson } from "../helpers/sse.ts";

const opts = () => {
  let n = 0;
  return { model: "claude-sonnet-4-6", idFactory: () => `R${++n}` };
};
const completion = (message: Record<string, unknown>, finish_reason: string | null = "stop", usage?: unknown) => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason }],
  ...(usage ? { usage } : {}),
});

describe("fromChatResponse", () => {
  test("response-tool-calls.json → tool_use blocks, tool_use stop, cached usage split out", () => {
    expect(fromChatResponse(readFixtureJson("openai/response-tool-calls.json"), opts())).toEqual({
      id: "msg_R1",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-6",
      content: [
        {
          type: "tool_use",
          id: "call_Qz8mKp2vLx4nRt6wYb0cJd1e",
          name: "Read",
          input: { file_path: "/repo/src/index.ts" },
        },
        {
          type: "tool_use",
          id: "call_Hn3tGf5sDa7qWe9rTy1uIo2p",
          name: "Grep",
          input: { pattern: "TODO", path: "/repo/src" },
        },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 357, cache_creation_input_tokens: 0, cache_read_input_tokens: 1536, output_tokens: 58 },
    });
  });

  test("reasoning_content / reasoning → a thinking block with the placeholder signature, before the text", () => {
    for (const key of ["reasoning_content", "reasoning"]) {
      const msg = fromChatResponse(completion({ content: "391", [key]: "17*23" }), opts());
      expect(msg.content).toEqual([
        { type: "thinking", thinking: "17*23", signature: PLACEHOLDER_SIGNATURE },
        { type: "text", text: "391" },
      ]);
    }
  });

  test("finish_reason mapping, tool calls deciding first", () => {
    const stop = (finish: string | null, extra: Record<string, unknown> = {}) =>
      fromChatResponse(completion({ content: "x", ...extra }, finish), opts()).stop_reason;
    expect(stop("stop")).toBe("end_turn");
    expect(stop(null)).toBe("end_turn");
    expect(stop("length")).toBe("max_tokens");
    expect(stop("content_filter")).toBe("refusal");
    expect(stop("function_call", { function_call: { name: "f", arguments: "{}" } })).toBe("tool_use");
    expect(stop("stop", { tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "" } }] })).toBe(
      "tool_use",
    );
  });

  test("empty argument string → {}; missing call id gets a toolu_ id; DeepSeek cache counters", () => {
    const msg = fromChatResponse(
      completion(
        { content: null, tool_calls: [{ type: "function", function: { name: "Now", arguments: "" } }] },
        "tool_calls",
        { prompt_tokens: 100, completion_tokens: 5, prompt_cache_hit_tokens: 64 },
      ),
      opts(),
    );
    expect(msg.content).toEqual([{ type: "tool_use", id: "toolu_R1", name: "Now", input: {} }]);
    expect(msg.id).toBe("msg_R2");
    expect(msg.usage).toEqual({
      input_tokens: 36,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 64,
      output_tokens: 5,
    });
  });

  test("content given as text parts is joined; no usage → zeros", () => {
    const msg = fromChatResponse(
      completion({
        content: [
          { type: "text", text: "a" },
          { type: "text", text: "b" },
        ],
      }),
      opts(),
    );
    expect(msg.content).toEqual([{ type: "text", text: "ab" }]);
    expect(msg.usage).toMatchObject({ input_tokens: 0, output_tokens: 0 });
  });

  test("invalid argument JSON → TranslateError api_error, not a crash", () => {
    const body = completion(
      { tool_calls: [{ id: "c", function: { name: "Read", arguments: '{"file_path": ' } }] },
      "tool_calls",
    );
    const expected = {
      name: "TranslateError",
      type: "api_error",
      status: 500,
      message: expect.stringMatching(/invalid JSON arguments for tool "Read"/),
    };
    expect(() => fromChatResponse(body, opts())).toThrow(expect.objectContaining(expected));
  });

  test("empty choices, a non-object body and an error body are clear errors", () => {
    expect(() => fromChatResponse({ id: "x", choices: [] }, opts())).toThrow(
      expect.objectContaining({
        name: "TranslateError",
        type: "api_error",
        message: expect.stringMatching(/no choices/),
      }),
    );
    expect(() => fromChatResponse("nope", opts())).toThrow(
      expect.objectContaining({ name: "UpstreamError", status: 502, retryable: true }),
    );
    // A field ccmux reads with the wrong type fails the schema: a typed upstream error naming the field, never a crash.
    expect(() => fromChatResponse({ choices: [{ message: { tool_calls: "x" } }] }, opts())).toThrow(
      expect.objectContaining({ name: "UpstreamError", status: 502, message: expect.stringContaining("tool_calls") }),
    );
    const errorBody = { error: { message: "Provider returned error", code: 429 } };
    expect(() => fromChatResponse(errorBody, opts())).toThrow(
      expect.objectContaining({ name: "UpstreamError", status: 429, type: "rate_limit_error", retryable: true }),
    );
  });
});
