import * as v from "valibot";
import { nullishNumber, nullishString } from "../shared/wire-schema.ts";

/**
 * Loose schemas for what the Responses API (and ChatGPT's Codex endpoint) sends: a `response`
 * object, and the data of each stream event. Only the fields ccmux reads are checked.
 */
const TextPartSchema = v.looseObject({ type: nullishString, text: nullishString, refusal: nullishString });

export const OutputItemSchema = v.looseObject({
  type: nullishString,
  id: nullishString,
  call_id: nullishString,
  name: nullishString,
  arguments: nullishString,
  encrypted_content: nullishString,
  summary: v.nullish(v.array(TextPartSchema)),
  content: v.nullish(v.array(TextPartSchema)),
});

export const ResponsesUsageSchema = v.looseObject({
  input_tokens: nullishNumber,
  input_tokens_details: v.nullish(v.looseObject({ cached_tokens: nullishNumber })),
  output_tokens: nullishNumber,
  output_tokens_details: v.nullish(v.looseObject({ reasoning_tokens: nullishNumber })),
  total_tokens: nullishNumber,
});

/** `code` is a string from OpenAI; some proxies send numbers. */
export const ResponsesErrorSchema = v.looseObject({
  code: v.nullish(v.union([v.string(), v.number()])),
  type: nullishString,
  message: nullishString,
});

export const ResponseObjectSchema = v.looseObject({
  id: nullishString,
  status: nullishString,
  output: v.nullish(v.array(OutputItemSchema)),
  usage: v.nullish(ResponsesUsageSchema),
  incomplete_details: v.nullish(v.looseObject({ reason: nullishString })),
  error: v.nullish(ResponsesErrorSchema),
});

/** A stream event's data; an `error` event carries its error at the top level or under `error`. */
export const ResponsesEventSchema = v.looseObject({
  type: nullishString,
  output_index: nullishNumber,
  summary_index: nullishNumber,
  delta: nullishString,
  item: v.nullish(OutputItemSchema),
  response: v.nullish(ResponseObjectSchema),
  error: v.nullish(ResponsesErrorSchema),
  code: v.nullish(v.union([v.string(), v.number()])),
  message: nullishString,
});

export type OutputItem = v.InferOutput<typeof OutputItemSchema>;
export type ResponsesUsage = v.InferOutput<typeof ResponsesUsageSchema>;
export type ResponsesError = v.InferOutput<typeof ResponsesErrorSchema>;
export type ResponseObject = v.InferOutput<typeof ResponseObjectSchema>;
export type ResponsesEvent = v.InferOutput<typeof ResponsesEventSchema>;
