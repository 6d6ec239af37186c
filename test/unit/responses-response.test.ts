import { describe, expect, test } from "bun:test";
import type { MessagesRequest } from "../../src/contracts/anthropic.ts";
import { REASONING_SIGNATURE_PREFIX } from "../../src/translate/responses/opaque-state.ts";
import { toResponsesRequest } from "../../src/translate/responses/request.ts";
import { fromResponsesResponse } from "../../src/translate/responses/response.ts";
import { TranslateError, UpstreamError } from "../../src/util/errors.ts";
import { parseSse, readFixture, readFixtureJson } from "../helpers/sse.ts";

const ids = () => {
  let n = 0;
  return () => `R${++n}`;
};
/** The `response` object carried by the fixture's response.completed event. */
const completedResponse = () => {
  const event = parseSse(readFixture("responses/stream-text-and-tool.sse")).find(
    (e) => e.event === "response.completed",
  )!;
  return JSON.parse(event.data).response;
};

describe("fromResponsesResponse", () => {
  test("the fixture's completed response → thinking, text, tool_use, tool_use stop, usage without cached tokens", () => {
    expect(fromResponsesResponse(completedResponse(), { model: "gpt-5.1-codex", idFactory: ids() })).toEqual({
      id: "msg_R1",
      type: "message",
      role: "assistant",
      model: "gpt-5.1-codex",
      content: [
        {
          type: "thinking",
          thinking: "**Inspecting the repo**\n\nI should list the files before editing anything.",
          signature: `${REASONING_SIGNATURE_PREFIX}gAAAAABpFixtureOnlyEncryptedReasoningBlobZm9vYmFyYmF6cXV4cXV1eA==`,
        },
        { type: "text", text: "Let me look at the project layout first." },
        {
          type: "tool_use",
          id: "call_Vb7nM2qW4eR6tY8uI0oP1aS3",
          name: "shell",
          input: { command: ["ls", "-la"], workdir: "/repo" },
        },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 366, cache_creation_input_tokens: 0, cache_read_input_tokens: 4864, output_tokens: 142 },
    });
  });

  test("stop reasons: end_turn, max_tokens, refusal", () => {
    const message = { type: "message", content: [{ type: "output_text", text: "hi" }] };
    const stop = (extra: Record<string, unknown>) =>
      fromResponsesResponse({ status: "completed", output: [message], ...extra }, { model: "m" }).stop_reason;
    expect(stop({})).toBe("end_turn");
    expect(stop({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } })).toBe("max_tokens");
    expect(stop({ status: "incomplete", incomplete_details: { reason: "content_filter" } })).toBe("refusal");
  });

  test("invalid function-call JSON is a TranslateError api_error", () => {
    const body = {
      status: "completed",
      output: [{ type: "function_call", call_id: "c1", name: "Read", arguments: '{"file_path":' }],
    };
    expect(() => fromResponsesResponse(body, { model: "m" })).toThrow(
      expect.objectContaining({ name: "TranslateError", type: "api_error" }),
    );
  });

  test("a failed response throws an UpstreamError with the mapped type; a non-response body is a TranslateError", () => {
    const failed = {
      status: "failed",
      output: [],
      error: { code: "rate_limit_exceeded", message: "Please try again in 2.5s." },
    };
    let caught: unknown;
    try {
      fromResponsesResponse(failed, { model: "m" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UpstreamError);
    expect(caught).toMatchObject({ type: "rate_limit_error", status: 429, retryAfter: 3 });
    expect(() => fromResponsesResponse({ hello: 1 }, { model: "m" })).toThrow(TranslateError);
  });
});

describe("round trip: response → Anthropic message → next Responses request", () => {
  test("reasoning and the function call/output replay with the same call_id, as request-codex.json shows", () => {
    const expected = readFixtureJson("responses/request-codex.json");
    const assistant = fromResponsesResponse(completedResponse(), { model: "gpt-5.1-codex", idFactory: ids() });
    const toolUse = assistant.content.find((b) => b.type === "tool_use")!;
    const shell = expected.tools[0];
    const next: MessagesRequest = {
      model: "claude-sonnet-4-6",
      max_tokens: 32000,
      stream: true,
      thinking: { type: "adaptive" },
      output_config: { effort: "medium" },
      tools: [{ name: shell.name, description: shell.description, input_schema: shell.parameters }],
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
      messages: [
        { role: "user", content: "List the files in /repo." },
        { role: "assistant", content: assistant.content },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: toolUse.id as string, content: expected.input[4].output }],
        },
      ],
    };
    const body = toResponsesRequest(next, {
      model: "gpt-5.1-codex",
      codex: true,
      instructions: expected.instructions,
      sessionId: expected.prompt_cache_key,
    });
    const { text: _verbosity, ...withoutText } = expected;
    expect(body).toEqual(withoutText);
  });
});
