import { outputFormatOf } from "../shared/output-format.ts";
import type { MessagesRequest } from "../../contracts/anthropic.ts";
import { checkTranslatable } from "../shared/request-check.ts";
import { toChatMessages } from "./request-messages.ts";
import { toChatTools } from "../shared/tools.ts";
import type { ChatCompletionRequest, ReasoningEffort } from "./types.ts";

export interface ChatRequestOptions {
  /** The upstream model id. */
  model: string;
  /** The provider's `provider_type` (openai, openrouter, deepseek, …). */
  providerType: string;
  /** false: images are a 400 (tool-result images become a text note). Default true. */
  supportsImages?: boolean;
  log?: (msg: string) => void;
}

/**
 * Anthropic request fields that are left out on purpose: Chat Completions has no equivalent,
 * or sending them would make compatibles reject the request. Everything not mapped below is
 * dropped, because the Chat request is built field by field.
 */
export const DROPPED_FIELDS = [
  "cache_control (system, messages, tools)",
  "metadata",
  "context_management",
  "output_config (except output_config.format → response_format, output_config.effort → reasoning effort)",
  "top_k",
  "service_tier",
  "speed",
  "container",
  "mcp_servers",
  "inference_geo",
  "tools[].strict / eager_input_streaming / defer_loading / input_examples",
  "server tools (tools with a type other than custom)",
  "redacted_thinking blocks and thinking signatures",
  "temperature / top_p on OpenAI reasoning models (o1, o3, o4, gpt-5), which reject them",
] as const;

/** Anthropic Messages request → Chat Completions request. Throws RequestError on input the upstream can't take. */
export function toChatRequest(sent: MessagesRequest, opts: ChatRequestOptions): ChatCompletionRequest {
  const req = checkTranslatable(sent);
  const reasoningModel = isOpenAIReasoningModel(opts.model, opts.providerType);
  const messages = toChatMessages(req, {
    model: opts.model,
    supportsImages: opts.supportsImages !== false,
    replayReasoning: opts.providerType === "deepseek" || opts.providerType === "moonshot",
    log: opts.log,
  });
  const out: ChatCompletionRequest = {
    model: opts.model,
    messages,
    ...toChatTools(req.tools, req.tool_choice, opts.log),
  };
  if (typeof req.max_tokens === "number") {
    if (reasoningModel) out.max_completion_tokens = req.max_tokens;
    else out.max_tokens = req.max_tokens;
  }
  if (!reasoningModel && typeof req.temperature === "number") out.temperature = req.temperature;
  if (!reasoningModel && typeof req.top_p === "number") out.top_p = req.top_p;
  // stop_sequences are not sent: Chat Completions doesn't say which one matched (nor that one did), so
  // ccmux finds the match in the output itself (withStopSequences / cutAtStopSequence).
  if (req.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  applyReasoning(out, req, opts.providerType, reasoningModel);
  const format = responseFormat(req.output_config);
  if (format) out.response_format = format;
  return out;
}

/** o1/o3/o4/gpt-5 on OpenAI itself (or an OpenAI-compatible gateway): max_completion_tokens, reasoning_effort. */
export function isOpenAIReasoningModel(model: string, providerType: string): boolean {
  if (providerType !== "openai" && providerType !== "openai-compatible") return false;
  const base = model.slice(model.lastIndexOf("/") + 1).toLowerCase();
  return /^o[134](-|$)/.test(base) || base.startsWith("gpt-5");
}

function applyReasoning(
  out: ChatCompletionRequest,
  req: MessagesRequest,
  providerType: string,
  reasoningModel: boolean,
): void {
  const effort = reasoningEffort(req);
  if (!effort) return;
  if (reasoningModel) out.reasoning_effort = effort;
  else if (providerType === "openrouter") out.reasoning = { effort };
}

/** thinking (+ output_config.effort) → effort; undefined when thinking is off. */
export function reasoningEffort(req: MessagesRequest): ReasoningEffort | undefined {
  const thinking = req.thinking;
  if (!thinking || (thinking.type !== "enabled" && thinking.type !== "adaptive")) return undefined;
  const configured = req.output_config?.effort;
  if (configured === "low" || configured === "medium" || configured === "high") return configured;
  if (configured === "xhigh" || configured === "max") return "high";
  const budget = thinking.budget_tokens;
  if (typeof budget !== "number") return "medium";
  if (budget < 4096) return "low";
  return budget < 16384 ? "medium" : "high";
}

function responseFormat(outputConfig: MessagesRequest["output_config"]): ChatCompletionRequest["response_format"] {
  const format = outputFormatOf(outputConfig);
  if (format?.type === "json_object") return { type: "json_object" };
  return format && { type: "json_schema", json_schema: { name: "output", schema: format.schema } };
}
