// Claude Code sends parallel tool results in the order the tools finish; every translating upstream
// gets them back in the order of the model's calls, and Gemini gets its own call ids back.
import { describe, expect, test } from "bun:test";
import type { Message, MessagesRequest } from "../../src/contracts/anthropic.ts";
import { toGeminiRequest } from "../../src/translate/gemini/request.ts";
import { fromGeminiResponse } from "../../src/translate/gemini/response.ts";
import { toChatRequest } from "../../src/translate/openai-chat/request.ts";
import { toResponsesRequest } from "../../src/translate/responses/request.ts";

/** Two Bash calls; the slower first one finishes last, so its result comes second (as Claude Code sends it). */
function finishedOrder(ids: [string, string]): Message[] {
  return [
    { role: "user", content: "run both" },
    {
      role: "assistant",
      content: [
        { type: "tool_use", id: ids[0], name: "Bash", input: { command: "sleep 1; echo slow" } },
        { type: "tool_use", id: ids[1], name: "Bash", input: { command: "echo fast" } },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: ids[1], content: "fast" },
        { type: "tool_result", tool_use_id: ids[0], content: "slow" },
      ],
    },
  ];
}

const req = (messages: Message[]): MessagesRequest => ({ model: "m", max_tokens: 100, messages });

describe("parallel results of one tool go back in call order", () => {
  test("Gemini: functionResponse parts follow the functionCall order and carry Gemini's ids", () => {
    const answer = fromGeminiResponse(
      {
        candidates: [
          {
            content: {
              role: "model",
              parts: [
                { functionCall: { id: "call-a/1", name: "Bash", args: { command: "sleep 1; echo slow" } } },
                { functionCall: { id: "call-b/2", name: "Bash", args: { command: "echo fast" } } },
              ],
            },
            finishReason: "STOP",
          },
        ],
      },
      { model: "gemini-2.5-pro" },
    );
    const ids = answer.content.filter((b) => b.type === "tool_use").map((b) => String(b.id));
    expect(ids.every((id) => /^[a-zA-Z0-9_-]+$/.test(id))).toBe(true);
    const out = toGeminiRequest(req(finishedOrder(ids as [string, string])), { model: "gemini-2.5-pro" });
    expect(out.contents[1]!.parts.map((p) => p.functionCall?.id)).toEqual(["call-a/1", "call-b/2"]);
    const responses = out.contents[2]!.parts.map((p) => p.functionResponse);
    expect(responses.map((r) => r?.id)).toEqual(["call-a/1", "call-b/2"]);
    expect(responses.map((r) => r?.response)).toEqual([{ output: "slow" }, { output: "fast" }]);
  });

  test("Gemini: calls without a Gemini id (e.g. from another provider) go back without one, still in order", () => {
    const out = toGeminiRequest(req(finishedOrder(["toolu_01", "toolu_02"])), { model: "gemini-2.5-pro" });
    const responses = out.contents[2]!.parts.map((p) => p.functionResponse!);
    expect(responses.map((r) => r.response)).toEqual([{ output: "slow" }, { output: "fast" }]);
    expect(responses.every((r) => !("id" in r))).toBe(true);
    expect(out.contents[1]!.parts.every((p) => !("id" in p.functionCall!))).toBe(true);
  });

  test("Responses: function_call_output items follow the function_call order", () => {
    const out = toResponsesRequest(req(finishedOrder(["call_1", "call_2"])), { model: "gpt-5.1", codex: false });
    const outputs = (out.input as { type: string; call_id?: string; output?: string }[]).filter(
      (i) => i.type === "function_call_output",
    );
    expect(outputs.map((o) => [o.call_id, o.output])).toEqual([
      ["call_1", "slow"],
      ["call_2", "fast"],
    ]);
  });

  test("Chat Completions: tool messages follow the tool_calls order", () => {
    const out = toChatRequest(req(finishedOrder(["call_1", "call_2"])), { model: "glm-4.6", providerType: "openai" });
    const tools = out.messages.filter((m) => m.role === "tool") as { tool_call_id: string; content: string }[];
    expect(tools.map((t) => [t.tool_call_id, t.content])).toEqual([
      ["call_1", "slow"],
      ["call_2", "fast"],
    ]);
  });
});
