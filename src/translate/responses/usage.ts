import type { Usage } from "../../contracts/anthropic.ts";
import { tokenCount } from "../shared/usage.ts";
import type { ResponsesUsage } from "./schema.ts";

/** Responses input_tokens include cached tokens; Anthropic's exclude them. */
export function responsesUsageToAnthropic(usage: ResponsesUsage | null | undefined): Usage {
  const cached = tokenCount(usage?.input_tokens_details?.cached_tokens);
  return {
    input_tokens: Math.max(0, tokenCount(usage?.input_tokens) - cached),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
    output_tokens: tokenCount(usage?.output_tokens),
  };
}
