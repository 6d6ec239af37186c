import type { MessagesRequest, ThinkingConfig } from "../../contracts/anthropic.ts";
import { RequestError } from "../../util/errors.ts";

const THINKING_BUDGET: Record<string, number> = { low: 2048, medium: 8192, high: 16384, xhigh: 32768, max: 32768 };

/**
 * An OpenAI reasoning effort (Chat Completions' reasoning_effort, Responses' reasoning.effort) →
 * Anthropic extended thinking, whose budget must stay below max_tokens and be at least 1024.
 * Undefined for none/minimal or when max_tokens leaves no room for thinking.
 */
export function effortThinking(
  effort: unknown,
  maxTokens: number | undefined,
  field: string,
): ThinkingConfig | undefined {
  if (effort === undefined || effort === null || effort === "none" || effort === "minimal") return undefined;
  const wanted =
    typeof effort === "string" && Object.hasOwn(THINKING_BUDGET, effort) ? THINKING_BUDGET[effort] : undefined;
  if (wanted === undefined)
    throw new RequestError(`${field} must be one of "none", "minimal", "low", "medium", "high", "xhigh"`);
  const budget = maxTokens === undefined ? wanted : Math.min(wanted, maxTokens - 1);
  return budget < 1024 ? undefined : { type: "enabled", budget_tokens: budget };
}

/** Sets the thinking an effort asks for; Anthropic takes no sampling knobs with it. */
export function applyEffort(req: MessagesRequest, effort: unknown, field: string): void {
  const thinking = effortThinking(effort, req.max_tokens, field);
  if (!thinking) return;
  req.thinking = thinking;
  delete req.temperature;
  delete req.top_p;
}
