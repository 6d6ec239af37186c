import type { Usage } from "../../contracts/anthropic.ts";
import { tokenCount } from "../shared/usage.ts";
import type { UsageMetadata } from "./schema.ts";

/** usageMetadata → Anthropic usage: cached tokens split out of the prompt, thoughts billed as output. */
export function geminiUsageToAnthropic(meta: UsageMetadata | null | undefined): Usage {
  const prompt = tokenCount(meta?.promptTokenCount) + tokenCount(meta?.toolUsePromptTokenCount);
  const cached = tokenCount(meta?.cachedContentTokenCount);
  return {
    input_tokens: Math.max(0, prompt - cached),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
    output_tokens: tokenCount(meta?.candidatesTokenCount) + tokenCount(meta?.thoughtsTokenCount),
  };
}
