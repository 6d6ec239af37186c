import type { StopReason } from "../../contracts/anthropic.ts";

export type ChatFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/**
 * OpenAI-style finish_reason → Anthropic stop_reason. Tool calls decide first: several
 * compatibles report "stop" (or "eos", "end_turn") on a turn that called tools.
 */
export function chatFinishToStopReason(finish: string | null | undefined, sawToolCalls: boolean): StopReason {
  if (finish === "length") return "max_tokens";
  if (finish === "content_filter") return "refusal";
  if (sawToolCalls || finish === "tool_calls" || finish === "function_call") return "tool_use";
  return "end_turn";
}

/** Anthropic stop_reason → OpenAI finish_reason, for the OpenAI front door. */
export function stopReasonToChatFinish(stop: string | null | undefined): ChatFinishReason {
  switch (stop) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      return "stop";
  }
}
