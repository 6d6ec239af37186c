import * as v from "valibot";
import { anyObject, nullishNumber, nullishString } from "../shared/wire-schema.ts";

/**
 * Loose schemas for what Chat Completions upstreams send: a chat.completion body and a
 * chat.completion.chunk. Only the fields ccmux reads are checked (nullable, as DeepSeek, vLLM and
 * OpenRouter send them); anything else passes through unread.
 */
export const ChatUsageSchema = v.looseObject({
  prompt_tokens: nullishNumber,
  completion_tokens: nullishNumber,
  total_tokens: nullishNumber,
  prompt_tokens_details: v.nullish(v.looseObject({ cached_tokens: nullishNumber, cache_write_tokens: nullishNumber })),
  completion_tokens_details: v.nullish(v.looseObject({ reasoning_tokens: nullishNumber })),
  /** DeepSeek's own cache counters. */
  prompt_cache_hit_tokens: nullishNumber,
  prompt_cache_miss_tokens: nullishNumber,
});

const FunctionSchema = v.looseObject({
  name: nullishString,
  /** A JSON string; a few servers send the object itself. */
  arguments: v.nullish(v.union([v.string(), anyObject])),
});

const ToolCallSchema = v.looseObject({
  /** Streams tell parallel calls apart by index (some servers use strings), else by id. */
  index: v.nullish(v.union([v.number(), v.string()])),
  id: nullishString,
  function: v.nullish(FunctionSchema),
});

const ContentPartSchema = v.looseObject({ type: nullishString, text: nullishString });

/** A response `message` or a stream `delta`. */
export const ChatOutputSchema = v.looseObject({
  content: v.nullish(v.union([v.string(), v.array(ContentPartSchema)])),
  /** DeepSeek / Moonshot / vLLM. */
  reasoning_content: nullishString,
  /** OpenRouter, Ollama. */
  reasoning: nullishString,
  refusal: nullishString,
  tool_calls: v.nullish(v.array(ToolCallSchema)),
  /** The pre-tools function calling some servers still send. */
  function_call: v.nullish(FunctionSchema),
});

const ChoiceSchema = v.looseObject({
  index: nullishNumber,
  message: v.nullish(ChatOutputSchema),
  delta: v.nullish(ChatOutputSchema),
  finish_reason: nullishString,
});

/** A body or chunk; `error` is read by the OpenAI error reader (a string or an object). */
export const ChatAnswerSchema = v.looseObject({
  choices: v.nullish(v.array(ChoiceSchema)),
  usage: v.nullish(ChatUsageSchema),
  error: v.optional(v.unknown()),
});

export type ChatUsage = v.InferOutput<typeof ChatUsageSchema>;
export type ChatOutput = v.InferOutput<typeof ChatOutputSchema>;
export type ChatToolCallDelta = v.InferOutput<typeof ToolCallSchema>;
export type ChatChoice = v.InferOutput<typeof ChoiceSchema>;
export type ChatAnswer = v.InferOutput<typeof ChatAnswerSchema>;
