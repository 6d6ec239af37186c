import { describe, expect, test } from "bun:test";
import type { MessagesRequest } from "../../src/contracts/anthropic.ts";
import { outputLimit } from "../../src/catalog/output-limits.ts";
import { UNKNOWN_MODEL_MAX_TOKENS, withOutputLimit } from "../../src/proxy/output-limit.ts";
import { JSON_OBJECT_INSTRUCTION, jsonObjectAsInstruction } from "../../src/translate/anthropic/json-object.ts";
import { toChatRequest } from "../../src/translate/openai-chat/request.ts";
import { toGeminiRequest } from "../../src/translate/gemini/request.ts";
import { toResponsesRequest } from "../../src/translate/responses/request.ts";
import { model, provider, testConfig } from "../helpers/in-process.ts";

const JSON_OBJECT: MessagesRequest = {
  model: "m",
  max_tokens: 100,
  messages: [{ role: "user", content: "give me JSON" }],
  output_config: { format: { type: "json_object" } },
};

describe("output_config.format json_object in every dialect", () => {
  test("Chat Completions: response_format json_object", () => {
    expect(toChatRequest(JSON_OBJECT, { model: "glm-4.6", providerType: "openai-compatible" }).response_format).toEqual(
      {
        type: "json_object",
      },
    );
  });
  test("Gemini: responseMimeType application/json and no schema", () => {
    const config = toGeminiRequest(JSON_OBJECT, { model: "gemini-2.5-pro" }).generationConfig;
    expect(config?.responseMimeType).toBe("application/json");
    expect(config?.responseSchema).toBeUndefined();
  });
  test("Responses: text.format json_object", () => {
    expect(toResponsesRequest(JSON_OBJECT, { model: "gpt-5.1", codex: false }).text?.format).toEqual({
      type: "json_object",
    });
  });
  test("Anthropic: a system instruction, the format removed, effort kept; other requests untouched", () => {
    const out = jsonObjectAsInstruction({
      ...JSON_OBJECT,
      system: "be brief",
      output_config: { format: { type: "json_object" }, effort: "low" },
    });
    expect(out.system).toEqual([
      { type: "text", text: "be brief" },
      { type: "text", text: JSON_OBJECT_INSTRUCTION },
    ]);
    expect(out.output_config).toEqual({ effort: "low" });
    expect(jsonObjectAsInstruction(JSON_OBJECT).output_config).toBeUndefined();
    const schema: MessagesRequest = { ...JSON_OBJECT, output_config: { format: { type: "json_schema", schema: {} } } };
    expect(jsonObjectAsInstruction(schema)).toBe(schema);
  });
});

describe("output limits", () => {
  const config = {
    ...testConfig({ providers: [provider("a", "http://x")], models: [model("m", ["a", "x"])] }),
    output_limits: { "my-local-model": 12_000 },
  };
  const bare: MessagesRequest = { model: "m", messages: [{ role: "user", content: "hi" }] };

  test("the shipped table, and config overrides by exact id", () => {
    expect(outputLimit("claude-sonnet-4-5-20250929")).toBe(64_000);
    expect(outputLimit("claude-opus-4-1-20250805")).toBe(32_000);
    expect(outputLimit("openai/gpt-5.1")).toBe(128_000);
    expect(outputLimit("gemini-2.5-pro")).toBe(65_536);
    expect(outputLimit("mystery")).toBeUndefined();
    expect(outputLimit("gemini-2.5-pro", { "gemini-2.5-pro": 1000 })).toBe(1000);
  });

  test("a request without max_tokens gets the target's limit; one with it is left alone", () => {
    const target = { model: "claude-haiku-4-5", providerType: "anthropic" };
    expect(withOutputLimit(bare, target, config).max_tokens).toBe(64_000);
    const given = { ...bare, max_tokens: 10 };
    expect(withOutputLimit(given, target, config)).toBe(given);
    expect(withOutputLimit(bare, { model: "my-local-model", providerType: "ollama" }, config).max_tokens).toBe(12_000);
  });

  test("unknown models: Anthropic's dialect needs a value, others get none (the upstream's own limit)", () => {
    expect(withOutputLimit(bare, { model: "mystery", providerType: "anthropic" }, config).max_tokens).toBe(
      UNKNOWN_MODEL_MAX_TOKENS,
    );
    expect(withOutputLimit(bare, { model: "mystery", providerType: "openai-compatible" }, config)).toBe(bare);
  });

  test("capped to what the context window leaves after the prompt; the thinking budget stays below", () => {
    const target = { model: "gpt-4o", providerType: "openai", estimatedInputTokens: 120_000 };
    // 120k estimated (+10%) leaves no room in 128k: not capped, the upstream refuses the prompt.
    expect(withOutputLimit(bare, target, config).max_tokens).toBe(16_384);
    const tight = { ...target, estimatedInputTokens: 110_000 };
    expect(withOutputLimit(bare, tight, config).max_tokens).toBe(128_000 - 121_000);
    const roomy = { ...target, estimatedInputTokens: 100_000 };
    expect(withOutputLimit(bare, roomy, config).max_tokens).toBe(16_384);
    const thinking: MessagesRequest = { ...bare, thinking: { type: "enabled", budget_tokens: 16_384 } };
    const small = { model: "claude-3-5-haiku", providerType: "anthropic" };
    expect(withOutputLimit(thinking, small, config).thinking).toEqual({ type: "enabled", budget_tokens: 8191 });
    expect(withOutputLimit(thinking, { model: "claude-3-haiku", providerType: "anthropic" }, config).thinking).toEqual({
      type: "enabled",
      budget_tokens: 4095,
    });
  });
});
