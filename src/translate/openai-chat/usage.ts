import type { Usage } from "../../contracts/anthropic.ts";
import { tokenCount } from "../shared/usage.ts";
import type { ChatUsage } from "./schema.ts";

/**
 * Chat usage → Anthropic usage. OpenAI's prompt_tokens include cached tokens; Anthropic's
 * input_tokens exclude them, so cached (and cache-write) tokens are subtracted.
 */
export function chatUsageToAnthropic(usage: ChatUsage | null | undefined): Usage {
  const u = usage ?? {};
  const prompt = tokenCount(u.prompt_tokens);
  const cacheRead = tokenCount(u.prompt_tokens_details?.cached_tokens) || tokenCount(u.prompt_cache_hit_tokens);
  const cacheWrite = tokenCount(u.prompt_tokens_details?.cache_write_tokens);
  return {
    input_tokens: Math.max(0, prompt - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    output_tokens: tokenCount(u.completion_tokens),
  };
}
