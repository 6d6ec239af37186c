import { expect, test } from "bun:test";
import { supportsImages } from "../../src/providers/openai-chat/capabilities.ts";
import type { ProviderConfig } from "../../src/config/types.ts";

const cfg = (text_only_models?: string[]) =>
  ({
    name: "p",
    provider_type: "openai",
    auth_type: "apikey",
    headers: {},
    models: [],
    enabled: true,
    text_only_models,
  }) as ProviderConfig;

test("known text-only families take no images; vision variants and others do", () => {
  for (const m of [
    "deepseek-chat",
    "deepseek-reasoner",
    "z-ai/glm-4.6",
    "glm-4.5",
    "moonshotai/kimi-k2-instruct",
    "qwen3-coder-480b",
    "openai/gpt-oss-120b",
  ]) {
    expect(supportsImages(cfg(), m)).toBe(false);
  }
  for (const m of ["gpt-4o", "glm-4.5v", "qwen2.5-vl-72b", "llama-4-maverick", "gemini-2.5-pro"])
    expect(supportsImages(cfg(), m)).toBe(true);
});

test("text_only_models in the config marks any model text-only", () => {
  expect(supportsImages(cfg(["my-local-model"]), "my-local-model")).toBe(false);
});
