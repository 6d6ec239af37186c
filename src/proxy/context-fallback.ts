import { contextWindow } from "../catalog/context-windows.ts";
import type { MessagesRequest } from "../contracts/anthropic.ts";
import { candidatesOf, type Resolution } from "../router/resolve.ts";
import { promptTooLongMessage } from "../translate/shared/prompt-too-long.ts";
import { UpstreamError } from "../util/errors.ts";
import type { AppDeps } from "./deps.ts";

const TOO_LONG = /prompt is too long/i;

/** The upstream said the prompt does not fit (adapters already word it as Anthropic does). */
export function isPromptTooLong(err: unknown): err is UpstreamError {
  return err instanceof UpstreamError && err.status === 400 && TOO_LONG.test(err.message);
}

/** `prompt is too long: N tokens > M maximum` → N and M. */
function sizes(message: string): { tokens: number; maximum: number } {
  const m = /(\d+) tokens > (\d+) maximum/.exec(promptTooLongMessage(message));
  return { tokens: Number(m?.[1] ?? 0), maximum: Number(m?.[2] ?? 0) };
}

/**
 * Where a too-long prompt goes next: the router's `long_context` model, keeping only the mappings
 * whose window is larger than the one that refused and holds the prompt (an unknown window is
 * trusted: the user chose that model for long prompts). Undefined when there is nowhere larger.
 */
export function longContextRetry(
  err: UpstreamError,
  req: MessagesRequest,
  resolution: Resolution,
  deps: AppDeps,
): Resolution | undefined {
  const slot = deps.config.router.long_context;
  if (!slot || resolution.model === slot) return undefined;
  const { tokens, maximum } = sizes(err.message);
  const windows = deps.config.context_windows;
  const fits = (model: string) => {
    const window = contextWindow(model, windows);
    return window === undefined || (window > maximum && window > tokens);
  };
  let candidates: Resolution["candidates"];
  try {
    candidates = candidatesOf(deps.router, slot, req.model).filter((c) => fits(c.model));
  } catch {
    return undefined;
  }
  if (candidates.length === 0) return undefined;
  const reason = `prompt too long for ${resolution.model} (${tokens} tokens > ${maximum}); retried on long_context`;
  return { ...resolution, route: "long-context", model: slot, candidates, reason };
}

/** The answer Claude Code compacts on: Anthropic's exact wording, a 400 invalid_request_error. */
export function compactionError(err: UpstreamError): UpstreamError {
  return new UpstreamError({
    status: 400,
    type: "invalid_request_error",
    message: promptTooLongMessage(err.message),
    retryable: false,
  });
}
