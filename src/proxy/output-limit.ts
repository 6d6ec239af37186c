import { contextWindow } from "../catalog/context-windows.ts";
import { outputLimit } from "../catalog/output-limits.ts";
import { providerKind } from "../catalog/providers.ts";
import type { MessagesRequest } from "../contracts/anthropic.ts";
import type { Config } from "../config/types.ts";

/**
 * What an Anthropic-dialect upstream (which requires max_tokens) gets for a model neither the
 * shipped table nor `[output_limits]` knows. Other dialects then get no limit at all: the upstream
 * applies the model's own.
 */
export const UNKNOWN_MODEL_MAX_TOKENS = 8192;
const MIN_THINKING_BUDGET = 1024;
const MIN_ANSWER_ROOM = 1024;

export interface LimitTarget {
  /** The upstream model id (the mapping's actual_model). */
  model: string;
  /** The provider's `provider_type`. */
  providerType: string;
  /** The router's estimate of the prompt's tokens. */
  estimatedInputTokens?: number;
}

/**
 * A request that carries no max_tokens (an OpenAI client that sent none) gets the target model's
 * output limit, capped so the prompt and the answer fit the model's context window when both are
 * known; a thinking budget is kept below it. A request with max_tokens is returned as is (same object).
 */
export function withOutputLimit(req: MessagesRequest, target: LimitTarget, config: Config): MessagesRequest {
  if (req.max_tokens !== undefined) return req;
  const dialect = providerKind(target.providerType)?.dialect;
  const required = dialect === "anthropic" || dialect === "vertex";
  const known = outputLimit(target.model, config.output_limits);
  const limit = known ?? (required ? UNKNOWN_MODEL_MAX_TOKENS : undefined);
  if (limit === undefined) return req;
  const max = fitWindow(limit, target, config);
  const out: MessagesRequest = { ...req, max_tokens: max };
  const budget = req.thinking?.budget_tokens;
  if (typeof budget === "number" && budget >= max) {
    if (max - 1 >= MIN_THINKING_BUDGET) out.thinking = { ...req.thinking!, budget_tokens: max - 1 };
    else delete out.thinking;
  }
  return out;
}

function fitWindow(limit: number, target: LimitTarget, config: Config): number {
  const window = contextWindow(target.model, config.context_windows);
  if (window === undefined || !target.estimatedInputTokens) return limit;
  // 10% on top of the router's estimate, which is linear in the body size, not a tokenizer count.
  const prompt = target.estimatedInputTokens + Math.ceil(target.estimatedInputTokens / 10);
  const room = window - prompt;
  // A prompt that (nearly) fills the window is the upstream's to refuse: its "prompt is too long"
  // answer is what sends the request to long_context or makes Claude Code compact.
  return room < MIN_ANSWER_ROOM ? limit : Math.min(limit, room);
}
