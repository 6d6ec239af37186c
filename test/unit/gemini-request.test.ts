import { describe, expect, test } from "bun:test";
import { toCodeAssistRequest, toGeminiRequest } from "../../src/translate/gemini/request.ts";
import { parkSignature, SKIP_SIGNATURE_VALIDATOR } from "../../src/translate/gemini/signature.ts";
import type { ContentBlock, Message, MessagesRequest } from "../../src/contracts/anthropic.ts";
import { RequestError } from "../../src/util/errors.ts";
import { readFixtureJson } from "../helpers/sse.ts";

const signature = "CiQB0e2Kb3FixtureOnlyThoughtSignatureZm9vYmFyYmF6cXV4cXV1eA==";
const claudeCode = readFixtureJson<MessagesRequest>("anthropic/request-claude-code.json");

const base = (messages: Message[], extra: Partial<MessagesRequest> = {}): MessagesRequest => ({
  model: "claude-sonnet-4-6",
  max_tokens: 1024,
  messages,
  ...extra,
});
const toolUse = (id: string, name = "Read", input: object = {}): ContentBlock => ({
  type: "tool_use",
  id,
  name,
  input,
});
const toolResult = (id: string, content: string | ContentBlock[] = "ok", isError = false): ContentBlock => ({
  type: "tool_result",
  tool_use_id: id,
  content,
  is_error: isError,
});

describe("toGeminiRequest", () => {
  test("reproduces request-generate-content.json from the equivalent Anthropic request", () => {
    const anthropic: MessagesRequest = {
      model: "claude-sonnet-4-6",
      max_tokens: 8192,
      temperature: 1,
      system: "You are a coding assistant.",
      thinking: { type: "enabled", budget_tokens: 4096 },
      tool_choice: { type: "auto" },
      tools: [
        {
          name: "Read",
          description: "Read a file by absolute path.",
          input_schema: {
            $schema: "https://json-schema.org/draft/2020-12/schema",
            type: "object",
            properties: {
              file_path: { type: "string", description: "Absolute path" },
              limit: { type: "integer", exclusiveMinimum: 0 },
            },
            required: ["file_path"],
            additionalProperties: false,
          },
        },
      ],
      messages: [
        { role: "user", content: "Why does the build target ES2019?" },
        {
          role: "assistant",
          content: [
            { type: "text", text: "I'll read the config file first." },
            {
              type: "thinking",
              thinking: "",
              signature: parkSignature({ kind: "call", scope: "", toolUseId: "toolu_01", signature }),
            },
            toolUse("toolu_01", "Read", { file_path: "/repo/tsconfig.json" }),
          ],
        },
        { role: "user", content: [toolResult("toolu_01", '{ "compilerOptions": { "target": "ES2019" } }')] },
      ],
    };
    expect(toGeminiRequest(anthropic, { model: "gemini-2.5-pro" })).toEqual(
      readFixtureJson("gemini/request-generate-content.json"),
    );
  });

  test("the Claude Code request: billing line dropped, Anthropic thinking dropped, tool round trip kept", () => {
    const req = toGeminiRequest(claudeCode, { model: "gemini-2.5-pro" });
    const system = claudeCode.system as { text: string }[];
    expect(req.systemInstruction!.parts.map((p) => p.text)).toEqual([system[1]!.text, system[2]!.text]);
    expect(req.contents.map((c) => c.role)).toEqual(["user", "model", "user"]);
    expect(req.contents[0]!.parts).toHaveLength(2);
    expect(req.contents[1]!.parts).toEqual([
      { text: "Let me run the parser tests." },
      {
        functionCall: {
          name: "Bash",
          args: { command: "npm test -- packages/parser", description: "Run parser tests" },
        },
      },
    ]);
    expect(req.contents[2]!.parts).toEqual([
      {
        functionResponse: {
          name: "Bash",
          response: {
            output:
              "FAIL packages/parser/test/lexer.test.ts\n  ● lexer › handles CRLF\n    Expected: 3\n    Received: 4",
          },
        },
      },
    ]);
    const decls = (req.tools![0] as { functionDeclarations: { name: string; parameters?: object }[] })
      .functionDeclarations;
    expect(decls.map((d) => d.name)).toEqual(["Bash", "Read", "TodoWrite", "WebSearch"]);
    expect(JSON.stringify(req)).not.toMatch(
      /cache_control|\$schema|additionalProperties|exclusiveMinimum|x-anthropic-billing-header/,
    );
    expect(req.generationConfig).toEqual({
      maxOutputTokens: 32000,
      thinkingConfig: { includeThoughts: true, thinkingBudget: -1 },
    });
    expect(req.toolConfig).toBeUndefined();
  });

  test("a tool_result whose id matches no earlier tool_use is a 400", () => {
    const req = base([{ role: "user", content: [toolResult("toolu_missing")] }]);
    expect(() => toGeminiRequest(req, { model: "gemini-2.5-pro" })).toThrow(RequestError);
    try {
      toGeminiRequest(req, { model: "gemini-2.5-pro" });
    } catch (e) {
      expect((e as RequestError).status).toBe(400);
    }
  });

  test("error results, images inside results, and results for several calls", () => {
    const image: ContentBlock = { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } };
    const req = base([
      { role: "user", content: "go" },
      { role: "assistant", content: [toolUse("a", "Read"), toolUse("b", "Screenshot")] },
      {
        role: "user",
        content: [
          toolResult("a", "no such file", true),
          toolResult("b", [{ type: "text", text: "shot:" }, image]),
          { type: "text", text: "continue" },
        ],
      },
    ]);
    expect(toGeminiRequest(req, { model: "gemini-2.5-pro" }).contents[2]!.parts).toEqual([
      { functionResponse: { name: "Read", response: { error: "no such file" } } },
      { functionResponse: { name: "Screenshot", response: { output: "shot:" } } },
      { inlineData: { mimeType: "image/png", data: "AAAA" } },
      { text: "continue" },
    ]);
  });

  test("images: base64 inline, gs:// as fileData, other URLs as a note", () => {
    const req = base([
      {
        role: "user",
        content: [
          { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "QUJD" } },
          { type: "image", source: { type: "url", url: "gs://bucket/cat.png" } },
          { type: "image", source: { type: "url", url: "https://example.com/dog.webp" } },
          { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBER" } },
        ],
      },
    ]);
    const parts = toGeminiRequest(req, { model: "gemini-2.5-pro" }).contents[0]!.parts;
    expect(parts[0]).toEqual({ inlineData: { mimeType: "image/jpeg", data: "QUJD" } });
    expect(parts[1]).toEqual({ fileData: { mimeType: "image/png", fileUri: "gs://bucket/cat.png" } });
    expect(parts[2]!.text).toContain("https://example.com/dog.webp");
    expect(parts[3]).toEqual({ inlineData: { mimeType: "application/pdf", data: "JVBER" } });
  });

  test("mid-conversation system messages become wrapped user text; same-role turns merge", () => {
    const req = base([
      { role: "user", content: "one" },
      { role: "system", content: "Be brief." },
      { role: "user", content: "two" },
      { role: "assistant", content: "a" },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "x", signature: "anthropic-sig" },
          { type: "text", text: "b" },
        ],
      },
    ]);
    const contents = toGeminiRequest(req, { model: "gemini-2.5-pro" }).contents;
    expect(contents).toEqual([
      { role: "user", parts: [{ text: "one" }, { text: "<system>\nBe brief.\n</system>" }, { text: "two" }] },
      { role: "model", parts: [{ text: "a" }, { text: "b" }] },
    ]);
  });

  test("parked thought and text signatures are replayed on their parts", () => {
    const thought = parkSignature({ kind: "thought", scope: "", toolUseId: "", signature: "T" });
    const text = parkSignature({ kind: "text", scope: "", toolUseId: "", signature: "S" });
    const req = base([
      { role: "user", content: "q" },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "plan", signature: thought },
          { type: "text", text: "answer" },
          { type: "thinking", thinking: "", signature: text },
        ],
      },
    ]);
    expect(toGeminiRequest(req, { model: "gemini-2.5-pro" }).contents[1]!.parts).toEqual([
      { text: "plan", thought: true, thoughtSignature: "T" },
      { text: "answer", thoughtSignature: "S" },
    ]);
  });

  test("Gemini 3: the first call of a model turn without a signature gets the documented stand-in", () => {
    const req = base([
      { role: "user", content: "q" },
      { role: "assistant", content: [toolUse("a"), toolUse("b")] },
      { role: "user", content: [toolResult("a"), toolResult("b")] },
    ]);
    const g3 = toGeminiRequest(req, { model: "gemini-3-pro-preview" }).contents[1]!.parts;
    expect(g3.map((p) => p.thoughtSignature)).toEqual([SKIP_SIGNATURE_VALIDATOR, undefined]);
    const g25 = toGeminiRequest(req, { model: "gemini-2.5-flash" }).contents[1]!.parts;
    expect(g25.map((p) => p.thoughtSignature)).toEqual([undefined, undefined]);
  });

  test("tool_choice → toolConfig", () => {
    const tools = [{ name: "Read", input_schema: { type: "object", properties: { p: { type: "string" } } } }];
    const config = (tool_choice: MessagesRequest["tool_choice"]) =>
      toGeminiRequest(base([{ role: "user", content: "q" }], { tools, tool_choice }), { model: "gemini-2.5-pro" })
        .toolConfig;
    expect(config({ type: "auto" })).toEqual({ functionCallingConfig: { mode: "AUTO" } });
    expect(config({ type: "any" })).toEqual({ functionCallingConfig: { mode: "ANY" } });
    expect(config({ type: "none" })).toEqual({ functionCallingConfig: { mode: "NONE" } });
    expect(config({ type: "tool", name: "Read" })).toEqual({
      functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["Read"] },
    });
    expect(config(undefined)).toBeUndefined();
  });

  test("server tools and argument-less tools", () => {
    const ws = readFixtureJson<MessagesRequest>("anthropic/request-claude-code-websearch.json");
    expect(toGeminiRequest(ws, { model: "gemini-2.5-pro" }).tools).toEqual([{ googleSearch: {} }]);
    const req = base([{ role: "user", content: "q" }], {
      tools: [
        { name: "Now", description: "time", input_schema: { type: "object", properties: {} } },
        { type: "web_fetch_20250910", name: "web_fetch" },
      ],
    });
    expect(toGeminiRequest(req, { model: "gemini-2.5-pro" }).tools).toEqual([
      { functionDeclarations: [{ name: "Now", description: "time" }] },
      { urlContext: {} },
    ]);
  });

  test("generationConfig: only given sampling knobs (stop strings stay with ccmux), thinking modes", () => {
    const gen = (extra: Partial<MessagesRequest>, model = "gemini-2.5-pro") =>
      toGeminiRequest(base([{ role: "user", content: "q" }], extra), { model }).generationConfig;
    expect(gen({})).toEqual({ maxOutputTokens: 1024 });
    expect(gen({ temperature: 0.2, top_p: 0.9, top_k: 5, stop_sequences: ["END"] })).toEqual({
      maxOutputTokens: 1024,
      temperature: 0.2,
      topP: 0.9,
      topK: 5,
    });
    expect(gen({ thinking: { type: "disabled" } }, "gemini-2.5-flash")).toEqual({
      maxOutputTokens: 1024,
      thinkingConfig: { thinkingBudget: 0 },
    });
    expect(gen({ thinking: { type: "disabled" } }, "gemini-2.5-pro")).toEqual({ maxOutputTokens: 1024 });
    expect(gen({ thinking: { type: "enabled", budget_tokens: 100000 } })!.thinkingConfig).toEqual({
      includeThoughts: true,
      thinkingBudget: 32768,
    });
    expect(gen({ thinking: { type: "adaptive", display: "omitted" } })!.thinkingConfig).toEqual({
      includeThoughts: false,
      thinkingBudget: -1,
    });
  });

  test("output_config.format json_schema → responseMimeType + cleaned responseSchema", () => {
    const title = readFixtureJson<MessagesRequest>("anthropic/request-claude-code-haiku-title.json");
    const req = toGeminiRequest(title, { model: "gemini-2.5-flash" });
    expect(req.generationConfig).toEqual({
      maxOutputTokens: 32000,
      temperature: 1,
      responseMimeType: "application/json",
      responseSchema: { type: "object", properties: { title: { type: "string" } }, required: ["title"] },
    });
    expect(req.tools).toBeUndefined();
  });
});

describe("toCodeAssistRequest", () => {
  test("matches code-assist-request.json", () => {
    const fixture = readFixtureJson("gemini/code-assist-request.json");
    const anthropic: MessagesRequest = {
      model: "claude-sonnet-4-6",
      system: "You are a helpful assistant.",
      messages: [{ role: "user", content: "What is 12 squared?" }],
      temperature: 1,
      top_p: 0.95,
      thinking: { type: "adaptive" },
    };
    const out = toCodeAssistRequest(anthropic, {
      model: "gemini-2.5-pro",
      project: "able-fox-a1b2c",
      promptId: fixture.user_prompt_id,
      sessionId: fixture.request.session_id,
    });
    const { generationConfig, ...rest } = out.request;
    const { generationConfig: expectedConfig, ...expectedRest } = fixture.request;
    expect({ ...out, request: rest }).toEqual({ ...fixture, request: expectedRest });
    expect(generationConfig).toMatchObject(expectedConfig);
  });

  test("session id defaults to Claude Code's metadata session; project is optional", () => {
    const out = toCodeAssistRequest(claudeCode, { model: "gemini-2.5-pro", promptId: "p1" });
    expect(out.request.session_id).toBe("7d1e4c2a-9b3f-4e6d-8a5c-1f2e3d4c5b6a");
    expect("project" in out).toBe(false);
    expect(out.user_prompt_id).toBe("p1");
  });
});
