import type { ContentBlock, MessageResponse } from "../../contracts/anthropic.ts";
import { TranslateError } from "../../util/errors.ts";
import { toolUseId, type IdFactory } from "../shared/ids.ts";
import { anthropicMessage } from "../shared/message.ts";
import { chatFinishToStopReason } from "../shared/stop-reasons.ts";
import { PLACEHOLDER_SIGNATURE } from "../shared/thinking-signature.ts";
import { errorObjectOf } from "../shared/openai-error.ts";
import { chatErrorObjectToUpstream } from "./errors.ts";
import type { ChatOutputFields, ChatUsage } from "./types.ts";
import { chatUsageToAnthropic } from "./usage.ts";

export interface ChatResponseOptions {
  /** The model name to report (normally the one the client asked for). */
  model: string;
  /** Random part of generated ids (`msg_…`, `toolu_…`). */
  idFactory?: IdFactory;
}

interface RawToolCall {
  id?: unknown;
  function?: { name?: unknown; arguments?: unknown };
}

/** A non-streaming chat.completion → Anthropic Message. Throws TranslateError / UpstreamError, never crashes. */
export function fromChatResponse(body: unknown, opts: ChatResponseOptions): MessageResponse {
  if (body === null || typeof body !== "object")
    throw new TranslateError("upstream returned a response that is not a JSON object");
  const error = (body as { error?: unknown }).error !== undefined ? errorObjectOf(body) : undefined;
  if (error) throw chatErrorObjectToUpstream(error, 502);
  const choices = (body as { choices?: unknown }).choices;
  if (!Array.isArray(choices) || choices.length === 0) {
    throw new TranslateError("upstream returned a chat completion with no choices (empty `choices` array)");
  }
  const choice = (choices[0] ?? {}) as { message?: ChatOutputFields; finish_reason?: unknown };
  const message = choice.message ?? {};
  const toolCalls = rawToolCalls(message);
  const content: ContentBlock[] = [...thinkingBlocks(message), ...textBlocks(message)];
  for (const call of toolCalls) content.push(toolUseBlock(call, opts.idFactory));
  const finish = typeof choice.finish_reason === "string" ? choice.finish_reason : null;
  const usage = chatUsageToAnthropic((body as { usage?: ChatUsage }).usage);
  return anthropicMessage(opts, content, chatFinishToStopReason(finish, toolCalls.length > 0), usage);
}

function thinkingBlocks(message: ChatOutputFields): ContentBlock[] {
  const reasoning = nonEmpty(message.reasoning_content) ?? nonEmpty(message.reasoning);
  return reasoning === undefined ? [] : [{ type: "thinking", thinking: reasoning, signature: PLACEHOLDER_SIGNATURE }];
}

function textBlocks(message: ChatOutputFields): ContentBlock[] {
  const text = contentText(message.content) || (nonEmpty(message.refusal) ?? "");
  return text === "" ? [] : [{ type: "text", text }];
}

/** `content` as a string or as an array of `{type:"text",text}` parts. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((p) =>
      p && typeof p === "object" && typeof (p as { text?: unknown }).text === "string"
        ? (p as { text: string }).text
        : "",
    )
    .join("");
}

function rawToolCalls(message: ChatOutputFields): RawToolCall[] {
  if (Array.isArray(message.tool_calls)) return message.tool_calls as RawToolCall[];
  if (message.function_call && typeof message.function_call === "object")
    return [{ function: message.function_call as RawToolCall["function"] }];
  return [];
}

function toolUseBlock(call: RawToolCall, idFactory?: IdFactory): ContentBlock {
  const name = call.function?.name;
  if (typeof name !== "string" || name === "")
    throw new TranslateError("upstream returned a tool call without a function name");
  const id = typeof call.id === "string" && call.id !== "" ? call.id : toolUseId(idFactory);
  return { type: "tool_use", id, name, input: parseToolArguments(call.function?.arguments, name) };
}

/** Tool-call arguments (a JSON string) → input object. "" and null mean no arguments. */
export function parseToolArguments(args: unknown, name: string): Record<string, unknown> {
  if (args === undefined || args === null || (typeof args === "string" && args.trim() === "")) return {};
  if (typeof args === "object" && !Array.isArray(args)) return args as Record<string, unknown>;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(args));
  } catch {
    throw new TranslateError(
      `upstream returned invalid JSON arguments for tool "${name}": ${String(args).slice(0, 200)}`,
    );
  }
  if (parsed === null) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new TranslateError(
      `upstream returned arguments for tool "${name}" that are not a JSON object: ${String(args).slice(0, 200)}`,
    );
  }
  return parsed as Record<string, unknown>;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
