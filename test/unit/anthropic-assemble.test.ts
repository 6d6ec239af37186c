import { describe, expect, test } from "bun:test";
import { assembleFromStream } from "../../src/translate/anthropic/assemble.ts";
import type { StreamEvent } from "../../src/contracts/anthropic.ts";
import { TranslateError, UpstreamError } from "../../src/util/errors.ts";
import { parseAnthropicEvents, readFixture } from "../helpers/sse.ts";

const fixtureEvents = (name: string): StreamEvent[] =>
  parseAnthropicEvents(readFixture(`anthropic/${name}`)).map((e) => e.data);

describe("assembleFromStream on Anthropic's own streams", () => {
  test("text + tool_use: input_json fragments joined and parsed; usage from message_delta", () => {
    const message = assembleFromStream(fixtureEvents("stream-tool-use.sse"));
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content.map((b) => b.type)).toEqual(["text", "tool_use"]);
    expect(message.content[1]).toMatchObject({
      type: "tool_use",
      name: expect.any(String),
      input: expect.objectContaining({ pattern: expect.any(String) }),
    });
    expect(message.usage).toMatchObject({ input_tokens: 1893, cache_creation_input_tokens: 1893, output_tokens: 61 });
  });

  test("thinking: text deltas and the signature", () => {
    const message = assembleFromStream(fixtureEvents("stream-thinking.sse"));
    expect(message.content).toEqual([
      {
        type: "thinking",
        thinking: "The user wants the sum of the first 10 odd numbers. That is n squared with n = 10, so 100.",
        signature: "EqQBCkYIBxgCKkCz3m0ckFakeSignatureForTestsOnlyq7Xb1mW9pL2xV0tR6nQ==",
      },
      { type: "text", text: "The sum of the first 10 odd numbers is **100** (it is always n²)." },
    ]);
    expect(message).toMatchObject({
      id: "msg_01ThnkA2s3D4f5G6h7J8k9L0",
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { output_tokens: 74 },
    });
  });

  test("server tool input and whole result blocks survive", () => {
    const message = assembleFromStream(fixtureEvents("stream-web-search.sse"));
    expect(message.content[0]).toMatchObject({ type: "server_tool_use", input: { query: "ccmux release notes 2026" } });
    expect(message.content[1]).toMatchObject({
      type: "web_search_tool_result",
      tool_use_id: "srvtoolu_01WsA1b2C3d4E5f6G7h8J9",
    });
    expect((message.content[1]!.content as unknown[]).length).toBe(2);
    expect(message.usage.server_tool_use).toMatchObject({ web_search_requests: 1 });
  });

  test("an error event throws an UpstreamError of that type", () => {
    let caught: unknown;
    try {
      assembleFromStream(fixtureEvents("stream-error.sse"));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UpstreamError);
    expect(caught).toMatchObject({ type: "overloaded_error", status: 529, message: "Overloaded", retryable: true });
  });
});

describe("assembleFromStream edge cases", () => {
  const start: StreamEvent = {
    type: "message_start",
    message: {
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "m",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 50, cache_read_input_tokens: 7, output_tokens: 1 },
    },
  };
  const end: StreamEvent[] = [
    {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { input_tokens: 0, cache_read_input_tokens: null, output_tokens: 9 },
    },
    { type: "message_stop" },
  ];

  test("usage in message_delta keeps message_start's input counts when 0/null", () => {
    expect(assembleFromStream([start, ...end]).usage).toEqual({
      input_tokens: 50,
      cache_read_input_tokens: 7,
      output_tokens: 9,
    });
  });

  test("a truncated stream or broken tool JSON is a TranslateError", () => {
    expect(() => assembleFromStream([start])).toThrow(TranslateError);
    expect(() => assembleFromStream([])).toThrow(TranslateError);
    const broken: StreamEvent[] = [
      start,
      { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "t", name: "Read", input: {} } },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"a":' } },
      { type: "content_block_stop", index: 0 },
      ...end,
    ];
    expect(() => assembleFromStream(broken)).toThrow(TranslateError);
  });
});
