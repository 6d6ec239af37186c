import { describe, expect, test } from "bun:test";
import type { MessagesRequest, Tool } from "../../src/contracts/anthropic.ts";
import {
  isOpenAIReasoningModel,
  toChatRequest,
  type ChatRequestOptions,
} from "../../src/translate/openai-chat/request.ts";
import { readFixtureJson } from "../helpers/sse.ts";

const OPTS: ChatRequestOptions = { model: "gpt-4.1", providerType: "openai" };
const base = (extra: Partial<MessagesRequest> = {}): MessagesRequest => ({
  model: "claude-sonnet-4-6",
  max_tokens: 1024,
  messages: [{ role: "user", content: "hi" }],
  ...extra,
});

function expect400(fn: () => unknown, pattern: RegExp): void {
  expect(fn).toThrow(
    expect.objectContaining({
      name: "RequestError",
      status: 400,
      type: "invalid_request_error",
      message: expect.stringMatching(pattern),
    }),
  );
}

describe("toChatRequest on Claude Code's main-turn request", () => {
  const req = readFixtureJson<MessagesRequest>("anthropic/request-claude-code.json");
  const out = toChatRequest(req, { model: "deepseek-reasoner", providerType: "deepseek" });

  test("system blocks become one system message without the volatile billing line", () => {
    expect(out.messages[0]).toEqual({
      role: "system",
      content: `You are Claude Code, Anthropic's official CLI for Claude.\n${(req.system as { text: string }[])[2]!.text}`,
    });
    expect(JSON.stringify(out)).not.toContain("x-anthropic-billing-header");
  });

  test("messages: user text, assistant text + tool_calls (+ reasoning_content for DeepSeek), tool message", () => {
    expect(out.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool"]);
    expect(out.messages[2]).toEqual({
      role: "assistant",
      content: "Let me run the parser tests.",
      tool_calls: [
        {
          id: "toolu_01BashA9s8D7f6G5h4J3k2L1z",
          type: "function",
          function: {
            name: "Bash",
            arguments: JSON.stringify({ command: "npm test -- packages/parser", description: "Run parser tests" }),
          },
        },
      ],
      reasoning_content: "I should run the parser tests first to see the failure.",
    });
    expect(out.messages[3]).toEqual({
      role: "tool",
      tool_call_id: "toolu_01BashA9s8D7f6G5h4J3k2L1z",
      content: "FAIL packages/parser/test/lexer.test.ts\n  ● lexer › handles CRLF\n    Expected: 3\n    Received: 4",
    });
  });

  test("every tool is mapped, $schema dropped, no cache_control or metadata anywhere", () => {
    expect(out.tools?.map((t) => t.function.name)).toEqual(["Bash", "Read", "TodoWrite", "WebSearch"]);
    expect(out.tools?.[1]?.function.parameters).toMatchObject({
      type: "object",
      required: ["file_path"],
      additionalProperties: false,
    });
    const json = JSON.stringify(out);
    for (const word of ["cache_control", "$schema", "metadata", "context_management", "output_config", "device_id"])
      expect(json).not.toContain(word);
  });

  test("streaming asks for usage; max_tokens kept; DeepSeek gets no reasoning_effort", () => {
    expect(out).toMatchObject({
      model: "deepseek-reasoner",
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 32000,
    });
    expect(out.reasoning_effort).toBeUndefined();
    expect(out.reasoning).toBeUndefined();
  });

  test("about 20 tools map one to one", () => {
    const tools: Tool[] = Array.from({ length: 22 }, (_, i) => ({
      name: `T${i}`,
      description: `tool ${i}`,
      input_schema: { type: "object", properties: { x: { type: "string" } } },
    }));
    const mapped = toChatRequest({ ...req, tools }, OPTS).tools!;
    expect(mapped).toHaveLength(22);
    expect(mapped[21]).toEqual({
      type: "function",
      function: {
        name: "T21",
        description: "tool 21",
        parameters: { type: "object", properties: { x: { type: "string" } } },
      },
    });
  });

  test("OpenAI reasoning model: max_completion_tokens and reasoning_effort from output_config.effort, no reasoning_content", () => {
    const o = toChatRequest(req, { model: "gpt-5.1", providerType: "openai" });
    expect(o.max_completion_tokens).toBe(32000);
    expect(o.max_tokens).toBeUndefined();
    expect(o.reasoning_effort).toBe("high");
    expect((o.messages[2] as { reasoning_content?: string }).reasoning_content).toBeUndefined();
  });
});

describe("toChatRequest: tool_result placement", () => {
  const toolTurn: MessagesRequest["messages"] = [
    { role: "user", content: "go" },
    {
      role: "assistant",
      content: [
        { type: "tool_use", id: "t1", name: "Read", input: { p: 1 } },
        { type: "tool_use", id: "t2", name: "Read", input: {} },
      ],
    },
  ];

  test("tool messages come right after the assistant turn, in call order, before the same turn's user text", () => {
    const out = toChatRequest(
      base({
        messages: [
          ...toolTurn,
          {
            role: "user",
            content: [
              { type: "text", text: "also look at this" },
              { type: "tool_result", tool_use_id: "t2", content: [{ type: "text", text: "two" }] },
              { type: "tool_result", tool_use_id: "t1", content: "one", is_error: true },
            ],
          },
        ],
      }),
      OPTS,
    );
    expect(out.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "t1", type: "function", function: { name: "Read", arguments: '{"p":1}' } },
          { id: "t2", type: "function", function: { name: "Read", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "t1", content: "Error: one" },
      { role: "tool", tool_call_id: "t2", content: "two" },
      { role: "user", content: "also look at this" },
    ]);
  });

  test("a system entry between the assistant turn and its results does not separate them", () => {
    const out = toChatRequest(
      base({
        messages: [
          ...toolTurn,
          { role: "system", content: "Agents: …" },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "t1", content: "a" },
              { type: "tool_result", tool_use_id: "t2", content: "b" },
            ],
          },
        ],
      }),
      OPTS,
    );
    expect(out.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool", "tool", "system"]);
  });

  test("images in a tool result follow the tool messages as a user message when the model takes images", () => {
    const image = { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } };
    const msgs: MessagesRequest["messages"] = [
      ...toolTurn,
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "t1", content: [{ type: "text", text: "shot" }, image] },
          { type: "tool_result", tool_use_id: "t2", content: "" },
        ],
      },
    ];
    const out = toChatRequest(base({ messages: msgs }), OPTS);
    expect(out.messages.slice(2)).toEqual([
      { role: "tool", tool_call_id: "t1", content: "shot\n[image: attached in the following user message]" },
      { role: "tool", tool_call_id: "t2", content: "" },
      {
        role: "user",
        content: [
          { type: "text", text: "Image output of tool call t1:" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBOR" } },
        ],
      },
    ]);
    const textOnly = toChatRequest(base({ messages: msgs }), { ...OPTS, supportsImages: false });
    expect(textOnly.messages.slice(2).map((m) => m.role)).toEqual(["tool", "tool"]);
    expect(textOnly.messages[2]!.content).toBe("shot\n[image omitted: this model does not accept images]");
  });
});

describe("toChatRequest: fields", () => {
  test("system string, role:system entries in place, url and base64 images", () => {
    const out = toChatRequest(
      base({
        system: "Be brief.",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "what is this" },
              { type: "image", source: { type: "url", url: "https://x.test/a.png" } },
            ],
          },
          { role: "assistant", content: "A cat." },
          { role: "system", content: "Mid-conversation note" },
          {
            role: "user",
            content: [{ type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/" } }],
          },
        ],
      }),
      OPTS,
    );
    expect(out.messages).toEqual([
      { role: "system", content: "Be brief." },
      {
        role: "user",
        content: [
          { type: "text", text: "what is this" },
          { type: "image_url", image_url: { url: "https://x.test/a.png" } },
        ],
      },
      { role: "assistant", content: "A cat." },
      { role: "system", content: "Mid-conversation note" },
      { role: "user", content: [{ type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/" } }] },
    ]);
  });

  test("tool_choice, parallel calls, temperature, top_p, max_tokens; stop strings stay with ccmux", () => {
    const tools: Tool[] = [{ name: "Read", input_schema: { type: "object", properties: {} } }];
    const pick = (tool_choice: MessagesRequest["tool_choice"]) => toChatRequest(base({ tools, tool_choice }), OPTS);
    expect(pick({ type: "auto" }).tool_choice).toBe("auto");
    expect(pick({ type: "any" }).tool_choice).toBe("required");
    expect(pick({ type: "none" }).tool_choice).toBe("none");
    expect(pick({ type: "tool", name: "Read", disable_parallel_tool_use: true })).toMatchObject({
      tool_choice: { type: "function", function: { name: "Read" } },
      parallel_tool_calls: false,
    });
    const out = toChatRequest(base({ stop_sequences: ["END"], temperature: 0.2, top_p: 0.9, top_k: 5 }), OPTS);
    expect(out).toEqual({
      model: "gpt-4.1",
      messages: [{ role: "user", content: "hi" }],
      max_tokens: 1024,
      temperature: 0.2,
      top_p: 0.9,
    });
  });

  test("thinking → reasoning effort only where the upstream supports it", () => {
    const thinking = (budget_tokens: number) => base({ thinking: { type: "enabled", budget_tokens } });
    const o3 = { model: "o3-mini", providerType: "openai" };
    expect(toChatRequest(thinking(2000), o3).reasoning_effort).toBe("low");
    expect(toChatRequest(thinking(8000), o3).reasoning_effort).toBe("medium");
    expect(toChatRequest(thinking(20000), o3).reasoning_effort).toBe("high");
    expect(toChatRequest(base({ thinking: { type: "adaptive" } }), o3).reasoning_effort).toBe("medium");
    expect(toChatRequest(thinking(20000), { model: "openai/gpt-5", providerType: "openrouter" }).reasoning).toEqual({
      effort: "high",
    });
    expect(toChatRequest(thinking(20000), OPTS).reasoning_effort).toBeUndefined();
    expect(toChatRequest(base({ temperature: 1 }), o3).temperature).toBeUndefined();
    expect(isOpenAIReasoningModel("o4-mini", "openai-compatible")).toBe(true);
    expect(isOpenAIReasoningModel("gpt-5", "groq")).toBe(false);
    expect(isOpenAIReasoningModel("gpt-4o", "openai")).toBe(false);
  });

  test("output_config.format json_schema → response_format (title request)", () => {
    const req = readFixtureJson<MessagesRequest>("anthropic/request-claude-code-haiku-title.json");
    const out = toChatRequest(req, { model: "llama-3.1-8b-instant", providerType: "groq" });
    expect(out.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "output", schema: (req.output_config as any).format.schema },
    });
    expect(out.tools).toBeUndefined();
    expect(out.temperature).toBe(1);
  });

  test("Moonshot also gets reasoning_content; other providers don't", () => {
    const req = base({
      messages: [
        { role: "user", content: "q" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "hm", signature: "s" },
            { type: "text", text: "a" },
          ],
        },
        { role: "user", content: "q2" },
      ],
    });
    expect(toChatRequest(req, { model: "kimi-k2", providerType: "moonshot" }).messages[1]).toEqual({
      role: "assistant",
      content: "a",
      reasoning_content: "hm",
    });
    expect(toChatRequest(req, { model: "kimi-k2", providerType: "groq" }).messages[1]).toEqual({
      role: "assistant",
      content: "a",
    });
  });
});

describe("toChatRequest: server tools and bad input", () => {
  test("only server tools (Claude Code's web search call) → 400 pointing at [router] websearch", () => {
    const req = readFixtureJson<MessagesRequest>("anthropic/request-claude-code-websearch.json");
    expect400(() => toChatRequest(req, OPTS), /web_search_20250305.*\[router\] websearch/s);
  });

  test("server tools mixed with client tools are dropped with a log line", () => {
    const logs: string[] = [];
    const tools: Tool[] = [
      { type: "web_search_20250305", name: "web_search" },
      { name: "Read", input_schema: { type: "object" } },
    ];
    const out = toChatRequest(base({ tools }), { ...OPTS, log: (m) => logs.push(m) });
    expect(out.tools?.map((t) => t.function.name)).toEqual(["Read"]);
    expect(logs.join()).toContain("web_search_20250305");
  });

  test("a tool_result whose tool_use_id matches nothing → 400", () => {
    expect400(
      () =>
        toChatRequest(
          base({
            messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_nope", content: "x" }] }],
          }),
          OPTS,
        ),
      /toolu_nope.*does not match any tool_use/,
    );
  });

  test("an image on a text-only model → 400", () => {
    const messages: MessagesRequest["messages"] = [
      { role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: "x" } }] },
    ];
    expect400(() => toChatRequest(base({ messages }), { ...OPTS, supportsImages: false }), /does not accept images/);
  });

  test("empty messages, bad roles and bad content → 400", () => {
    expect400(() => toChatRequest(base({ messages: [] }), OPTS), /at least one message/);
    expect400(() => toChatRequest(base({ messages: [{ role: "tool" as "user", content: "x" }] }), OPTS), /role/);
    expect400(
      () => toChatRequest(base({ messages: [{ role: "user", content: 42 as unknown as string }] }), OPTS),
      /^messages\[0\]\.content: must be a string or an array of content blocks$/,
    );
    expect400(
      () =>
        toChatRequest(
          base({ messages: [{ role: "user", content: [{ type: "image", source: { type: "file", file_id: "f" } }] }] }),
          OPTS,
        ),
      /image source type "file"/,
    );
  });
});
