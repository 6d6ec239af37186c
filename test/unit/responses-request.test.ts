import { describe, expect, test } from "bun:test";
import type { MessagesRequest } from "../../src/contracts/anthropic.ts";
import {
  callIdToToolUseId,
  REASONING_SIGNATURE_PREFIX,
  toolUseIdToCallId,
} from "../../src/translate/responses/opaque-state.ts";
import { CODEX_INSTRUCTIONS, toResponsesRequest } from "../../src/translate/responses/request.ts";
import { RequestError } from "../../src/util/errors.ts";
import { readFixtureJson } from "../helpers/sse.ts";

const claudeCode = () => readFixtureJson<MessagesRequest>("anthropic/request-claude-code.json");
const SESSION = "7d1e4c2a-9b3f-4e6d-8a5c-1f2e3d4c5b6a";
const SYSTEM_TEXT =
  "You are Claude Code, Anthropic's official CLI for Claude.\n\nYou are an interactive agent that helps users with software engineering tasks. (Fixture placeholder for the ~25 KB main prompt, which also embeds environment details such as the working directory, platform and git status.)";
const base = (extra: Partial<MessagesRequest> = {}): MessagesRequest => ({
  model: "claude-sonnet-4-6",
  max_tokens: 1000,
  messages: [],
  ...extra,
});

describe("toResponsesRequest on Claude Code's main-turn request", () => {
  test("codex: own instructions, system carried as the first developer message, billing line gone", () => {
    const body = toResponsesRequest(claudeCode(), { model: "gpt-5.1-codex", codex: true, sessionId: SESSION });
    expect(body.instructions).toBe(CODEX_INSTRUCTIONS);
    expect(body.input[0]).toEqual({
      type: "message",
      role: "developer",
      content: [{ type: "input_text", text: SYSTEM_TEXT }],
    });
    expect(JSON.stringify(body)).not.toContain("x-anthropic-billing-header");
    expect(JSON.stringify(body)).not.toContain("cache_control");
    expect(body).toMatchObject({
      model: "gpt-5.1-codex",
      store: false,
      stream: true,
      prompt_cache_key: SESSION,
      include: ["reasoning.encrypted_content"],
    });
    expect(body.reasoning).toEqual({ effort: "high", summary: "auto" });
    for (const key of ["max_output_tokens", "temperature", "top_p"]) expect(body).not.toHaveProperty(key);
  });

  test("codex: history becomes items; the Anthropic-signed thinking is dropped; call ids pair up", () => {
    const body = toResponsesRequest(claudeCode(), { model: "gpt-5.1-codex", codex: true });
    expect(body.input.slice(1)).toEqual([
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: expect.stringContaining("<system-reminder>") },
          { type: "input_text", text: "Why does `npm test` fail in packages/parser?" },
        ],
      },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Let me run the parser tests." }] },
      {
        type: "function_call",
        call_id: "toolu_01BashA9s8D7f6G5h4J3k2L1z",
        name: "Bash",
        arguments: JSON.stringify({ command: "npm test -- packages/parser", description: "Run parser tests" }),
      },
      {
        type: "function_call_output",
        call_id: "toolu_01BashA9s8D7f6G5h4J3k2L1z",
        output: "FAIL packages/parser/test/lexer.test.ts\n  ● lexer › handles CRLF\n    Expected: 3\n    Received: 4",
      },
    ]);
  });

  test("tools are flat function tools with strict:false and no $schema", () => {
    const req = claudeCode();
    const body = toResponsesRequest(req, { model: "gpt-5.1-codex", codex: true });
    expect(body.tools!.map((t) => t.name)).toEqual(["Bash", "Read", "TodoWrite", "WebSearch"]);
    for (const [i, tool] of body.tools!.entries()) {
      const { $schema: _s, ...schema } = req.tools![i]!.input_schema!;
      expect(tool).toEqual({
        type: "function",
        name: req.tools![i]!.name,
        description: req.tools![i]!.description,
        parameters: schema,
        strict: false,
      });
    }
    expect(body.tool_choice).toBe("auto");
    expect(body).not.toHaveProperty("parallel_tool_calls");
  });

  test("public API: system → instructions, max_output_tokens kept, stream follows the client", () => {
    const body = toResponsesRequest(claudeCode(), { model: "gpt-5.1", codex: false });
    expect(body.instructions).toBe(SYSTEM_TEXT);
    expect(body.input[0]).toMatchObject({ role: "user" });
    expect(body).toMatchObject({ max_output_tokens: 32000, stream: true, store: false });
    expect(toResponsesRequest({ ...claudeCode(), stream: false }, { model: "gpt-5.1", codex: false }).stream).toBe(
      false,
    );
    expect(toResponsesRequest({ ...claudeCode(), stream: false }, { model: "gpt-5.1", codex: true }).stream).toBe(true);
  });

  test("public API with fixed instructions also carries the system prompt as a developer message", () => {
    const body = toResponsesRequest(claudeCode(), { model: "gpt-5.1", codex: false, instructions: "Be brief." });
    expect(body.instructions).toBe("Be brief.");
    expect(body.input[0]).toEqual({
      type: "message",
      role: "developer",
      content: [{ type: "input_text", text: SYSTEM_TEXT }],
    });
  });
});

describe("toResponsesRequest: other Claude Code requests", () => {
  test("the WebSearch request (server tool only) is a 400 that says to route websearch to Anthropic", () => {
    const req = readFixtureJson<MessagesRequest>("anthropic/request-claude-code-websearch.json");
    const call = () => toResponsesRequest(req, { model: "gpt-5.1-codex", codex: true });
    expect(call).toThrow(RequestError);
    expect(call).toThrow(/websearch/);
  });

  test("server tools next to custom tools are dropped", () => {
    const tools = [
      { type: "web_search_20250305", name: "web_search" },
      { name: "Read", input_schema: { type: "object" } },
    ];
    expect(toResponsesRequest(base({ tools }), { model: "gpt-5", codex: false }).tools!.map((t) => t.name)).toEqual([
      "Read",
    ]);
  });

  test("the haiku title request: no thinking, json_schema output; temperature only for non-reasoning models", () => {
    const req = readFixtureJson<MessagesRequest>("anthropic/request-claude-code-haiku-title.json");
    const reasoning = toResponsesRequest(req, { model: "gpt-5-mini", codex: false });
    expect(reasoning).not.toHaveProperty("reasoning");
    expect(reasoning).not.toHaveProperty("include");
    expect(reasoning).not.toHaveProperty("temperature");
    expect(reasoning).not.toHaveProperty("tools");
    expect(reasoning.text!.format).toMatchObject({
      type: "json_schema",
      name: "output",
      schema: { required: ["title"] },
    });
    expect(toResponsesRequest(req, { model: "gpt-4.1-mini", codex: false }).temperature).toBe(1);
  });
});

describe("toResponsesRequest: content mapping", () => {
  const png = { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" };

  test("user images pass through as data URLs or URLs", () => {
    const body = toResponsesRequest(
      base({
        messages: [
          {
            role: "user",
            content: [
              { type: "image", source: png },
              { type: "image", source: { type: "url", url: "https://x/y.png" } },
              { type: "text", text: "what?" },
            ],
          },
        ],
      }),
      { model: "gpt-5", codex: false },
    );
    expect(body.input).toEqual([
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=", detail: "auto" },
          { type: "input_image", image_url: "https://x/y.png", detail: "auto" },
          { type: "input_text", text: "what?" },
        ],
      },
    ]);
  });

  test("tool_result images follow the outputs in a user message; errors are marked", () => {
    const body = toResponsesRequest(
      base({
        messages: [
          {
            role: "assistant",
            content: [
              { type: "tool_use", id: "call_A", name: "Shot", input: {} },
              { type: "tool_use", id: "call_B", name: "Bash", input: { c: 1 } },
            ],
          },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "call_A", content: [{ type: "image", source: png }] },
              { type: "tool_result", tool_use_id: "call_B", content: [{ type: "text", text: "boom" }], is_error: true },
              { type: "text", text: "go on" },
            ],
          },
        ],
      }),
      { model: "gpt-5", codex: true },
    );
    expect(body.input).toEqual([
      { type: "function_call", call_id: "call_A", name: "Shot", arguments: "{}" },
      { type: "function_call", call_id: "call_B", name: "Bash", arguments: '{"c":1}' },
      { type: "function_call_output", call_id: "call_A", output: "(image output: see the next user message)" },
      { type: "function_call_output", call_id: "call_B", output: "Error: boom" },
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "Image output of tool call call_A:" },
          { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=", detail: "auto" },
          { type: "input_text", text: "go on" },
        ],
      },
    ]);
  });

  test("role:system messages become developer messages in place", () => {
    const body = toResponsesRequest(
      base({
        messages: [
          { role: "user", content: "hi" },
          { role: "system", content: "Available agent types: …" },
          { role: "user", content: "next" },
        ],
      }),
      { model: "gpt-5", codex: false },
    );
    expect(body.input.map((i) => (i.type === "message" ? i.role : i.type))).toEqual(["user", "developer", "user"]);
  });

  test("thinking blocks: ours replay as reasoning without id; others and redacted_thinking are dropped", () => {
    const body = toResponsesRequest(
      base({
        messages: [
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: "plan", signature: `${REASONING_SIGNATURE_PREFIX}ENC1` },
              { type: "thinking", thinking: "", signature: `${REASONING_SIGNATURE_PREFIX}ENC2` },
              { type: "thinking", thinking: "anthropic's", signature: "EqQBCkYIBxgC" },
              { type: "redacted_thinking", data: "xyz" },
              { type: "text", text: "done" },
            ],
          },
        ],
      }),
      { model: "gpt-5", codex: true },
    );
    expect(body.input).toEqual([
      { type: "reasoning", summary: [{ type: "summary_text", text: "plan" }], encrypted_content: "ENC1" },
      { type: "reasoning", summary: [], encrypted_content: "ENC2" },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "done" }] },
    ]);
  });

  test("tool_choice maps; disable_parallel_tool_use turns parallel calls off", () => {
    const tools = [{ name: "Read", input_schema: { type: "object", properties: {} } }];
    const choice = (tool_choice: MessagesRequest["tool_choice"]) =>
      toResponsesRequest(base({ tools, tool_choice }), { model: "gpt-5", codex: false });
    expect(choice({ type: "auto" }).tool_choice).toBe("auto");
    expect(choice({ type: "any" }).tool_choice).toBe("required");
    expect(choice({ type: "none" }).tool_choice).toBe("none");
    expect(choice({ type: "tool", name: "Read" }).tool_choice).toEqual({ type: "function", name: "Read" });
    expect(choice({ type: "auto", disable_parallel_tool_use: true }).parallel_tool_calls).toBe(false);
  });

  test("thinking → reasoning.effort", () => {
    const effort = (extra: Partial<MessagesRequest>) =>
      toResponsesRequest(base(extra), { model: "gpt-5", codex: true }).reasoning?.effort;
    expect(effort({ thinking: { type: "enabled", budget_tokens: 2048 } })).toBe("low");
    expect(effort({ thinking: { type: "enabled", budget_tokens: 8000 } })).toBe("medium");
    expect(effort({ thinking: { type: "enabled", budget_tokens: 31999 } })).toBe("high");
    expect(effort({ thinking: { type: "adaptive" } })).toBe("medium");
    expect(effort({ thinking: { type: "adaptive" }, output_config: { effort: "low" } })).toBe("low");
    expect(effort({ thinking: { type: "adaptive" }, output_config: { effort: "xhigh" } })).toBe("high");
    expect(effort({ thinking: { type: "disabled" }, output_config: { effort: "high" } })).toBeUndefined();
    expect(effort({})).toBeUndefined();
    expect(
      toResponsesRequest(base({ thinking: { type: "adaptive" } }), { model: "gpt-4.1", codex: false }),
    ).not.toHaveProperty("reasoning");
  });
});

describe("tool ids round-trip through Anthropic's id alphabet", () => {
  test.each(["call_Vb7nM2qW4eR6tY8uI0oP1aS3", "call.odd:2/é", "toolu_rc_trick", "fc-123"])("%s", (callId) => {
    const id = callIdToToolUseId(callId);
    expect(id).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(toolUseIdToCallId(id)).toBe(callId);
  });
});
