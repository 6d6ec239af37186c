import type { ContentBlock, MessageResponse, Usage } from "../../../contracts/anthropic.ts";
import { stopReasonToChatFinish } from "../../shared/stop-reasons.ts";

export interface OpenAIResponseOptions {
  /** The model name the client asked for. */
  model: string;
  /** Unix seconds; injected so the translation stays pure. */
  created: number;
}

/** `msg_abc` → `chatcmpl-abc`. */
export function chatCompletionId(messageId: string): string {
  return `chatcmpl-${messageId.replace(/^msg_/, "")}`;
}

/** OpenAI usage from Anthropic usage: prompt_tokens include cached tokens again. */
export function openAIUsage(usage: Partial<Usage> | undefined): Record<string, unknown> {
  const cached = usage?.cache_read_input_tokens ?? 0;
  const prompt = (usage?.input_tokens ?? 0) + cached + (usage?.cache_creation_input_tokens ?? 0);
  const completion = usage?.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached },
  };
}

/** An Anthropic Message → an OpenAI `chat.completion`. */
export function toOpenAIResponse(msg: MessageResponse, opts: OpenAIResponseOptions): Record<string, unknown> {
  const blocks: ContentBlock[] = Array.isArray(msg.content) ? msg.content : [];
  const text = blocks
    .filter((b) => b.type === "text")
    .map((b) => String(b.text ?? ""))
    .join("");
  const reasoning = blocks
    .filter((b) => b.type === "thinking")
    .map((b) => String(b.thinking ?? ""))
    .join("");
  const toolCalls = blocks
    .filter((b) => b.type === "tool_use")
    .map((b) => ({ id: b.id, type: "function", function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } }));
  const message: Record<string, unknown> = {
    role: "assistant",
    content: text === "" && toolCalls.length > 0 ? null : text,
    refusal: null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning !== "") message.reasoning_content = reasoning;
  return {
    id: chatCompletionId(msg.id),
    object: "chat.completion",
    created: opts.created,
    model: opts.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: stopReasonToChatFinish(msg.stop_reason) }],
    usage: openAIUsage(msg.usage),
  };
}
