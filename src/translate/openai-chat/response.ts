import type { ContentBlock, MessageResponse } from "../../contracts/anthropic.ts";
import { TranslateError } from "../../util/errors.ts";
import { isRecord } from "../../util/is-record.ts";
import { toolUseId, type IdFactory } from "../shared/ids.ts";
import { anthropicMessage } from "../shared/message.ts";
import { chatFinishToStopReason } from "../shared/stop-reasons.ts";
import { PLACEHOLDER_SIGNATURE } from "../shared/thinking-signature.ts";
import { errorObjectOf } from "../shared/openai-error.ts";
import { chatErrorObjectToUpstream } from "./errors.ts";
import { ChatAnswerSchema, type ChatOutput, type ChatToolCallDelta } from "./schema.ts";
import { checkWire, malformedAnswer } from "../shared/wire-schema.ts";
import { chatUsageToAnthropic } from "./usage.ts";

export interface ChatResponseOptions {
  /** The model name to report (normally the one the client asked for). */
  model: string;
  /** Random part of generated ids (`msg_…`, `toolu_…`). */
  idFactory?: IdFactory;
}

/** A non-streaming chat.completion → Anthropic Message. Throws TranslateError / UpstreamError, never crashes. */
export function fromChatResponse(body: unknown, opts: ChatResponseOptions): MessageResponse {
  const checked = checkWire(ChatAnswerSchema, body);
  if (!checked.ok) throw malformedAnswer("chat completion", checked.problem);
  const answer = checked.value;
  const error = answer.error !== undefined ? errorObjectOf(answer) : undefined;
  if (error) throw chatErrorObjectToUpstream(error, 502);
  const choice = answer.choices?.[0];
  if (!choice) throw new TranslateError("upstream returned a chat completion with no choices (empty `choices` array)");
  const message = choice.message ?? {};
  const toolCalls = toolCallsOf(message);
  const content: ContentBlock[] = [...thinkingBlocks(message), ...textBlocks(message)];
  for (const call of toolCalls) content.push(toolUseBlock(call, opts.idFactory));
  const stopReason = chatFinishToStopReason(choice.finish_reason ?? null, toolCalls.length > 0);
  return anthropicMessage(opts, content, stopReason, chatUsageToAnthropic(answer.usage));
}

function thinkingBlocks(message: ChatOutput): ContentBlock[] {
  const reasoning = message.reasoning_content || message.reasoning;
  return reasoning ? [{ type: "thinking", thinking: reasoning, signature: PLACEHOLDER_SIGNATURE }] : [];
}

function textBlocks(message: ChatOutput): ContentBlock[] {
  const text = chatContentText(message.content) || message.refusal || "";
  return text === "" ? [] : [{ type: "text", text }];
}

/** `content` as a string or as an array of `{type:"text",text}` parts. */
export function chatContentText(content: ChatOutput["content"]): string {
  if (typeof content === "string") return content;
  return content?.map((p) => p.text ?? "").join("") ?? "";
}

function toolCallsOf(message: ChatOutput): ChatToolCallDelta[] {
  if (message.tool_calls) return message.tool_calls;
  return message.function_call ? [{ function: message.function_call }] : [];
}

function toolUseBlock(call: ChatToolCallDelta, idFactory?: IdFactory): ContentBlock {
  const name = call.function?.name;
  if (!name) throw new TranslateError("upstream returned a tool call without a function name");
  const id = call.id || toolUseId(idFactory);
  return { type: "tool_use", id, name, input: parseToolArguments(call.function?.arguments, name) };
}

/** Tool-call arguments (a JSON string) → input object. "" and null mean no arguments. */
export function parseToolArguments(args: unknown, name: string): Record<string, unknown> {
  if (args === undefined || args === null || (typeof args === "string" && args.trim() === "")) return {};
  if (isRecord(args)) return args;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(args));
  } catch {
    throw new TranslateError(
      `upstream returned invalid JSON arguments for tool "${name}": ${String(args).slice(0, 200)}`,
    );
  }
  if (parsed === null) return {};
  if (!isRecord(parsed)) {
    throw new TranslateError(
      `upstream returned arguments for tool "${name}" that are not a JSON object: ${String(args).slice(0, 200)}`,
    );
  }
  return parsed;
}
