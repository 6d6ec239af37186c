import type { Usage } from "../../contracts/anthropic.ts";
import type { ChatUsage } from "./schema.ts";

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0);

/**
 * Chat usage → Anthropic usage. OpenAI's prompt_tokens include cached tokens; Anthropic's
 * input_tokens exclude them, so cached (and cache-write) tokens are subtracted.
 */
export function chatUsageToAnthropic(usage: ChatUsage | null | undefined): Usage {
  const u = usage ?? {};
  const prompt = num(u.prompt_tokens);
  const cacheRead = num(u.prompt_tokens_details?.cached_tokens) || num(u.prompt_cache_hit_tokens);
  const cacheWrite = num(u.prompt_tokens_details?.cache_write_tokens);
  return {
    input_tokens: Math.max(0, prompt - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    output_tokens: num(u.completion_tokens),
  };
}
