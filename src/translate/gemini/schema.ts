import * as v from "valibot";
import {
  anyObject,
  checkWire,
  nullishBoolean,
  nullishNumber,
  nullishString,
  type WireCheck,
} from "../shared/wire-schema.ts";

/**
 * Loose schemas for what Gemini-protocol upstreams (AI Studio, Code Assist, Vertex AI) send: a
 * GenerateContentResponse, whole or as one stream chunk, and Google's error object. Only the
 * fields ccmux reads are checked; unknown fields pass.
 */
const FunctionCallSchema = v.looseObject({
  name: v.string(),
  args: v.nullish(anyObject),
  id: nullishString,
});

const PartSchema = v.looseObject({
  text: nullishString,
  thought: nullishBoolean,
  thoughtSignature: nullishString,
  functionCall: v.nullish(FunctionCallSchema),
});

const CandidateSchema = v.looseObject({
  content: v.nullish(v.looseObject({ role: nullishString, parts: v.nullish(v.array(PartSchema)) })),
  finishReason: nullishString,
  finishMessage: nullishString,
  index: nullishNumber,
});

const UsageMetadataSchema = v.looseObject({
  promptTokenCount: nullishNumber,
  candidatesTokenCount: nullishNumber,
  thoughtsTokenCount: nullishNumber,
  cachedContentTokenCount: nullishNumber,
  toolUsePromptTokenCount: nullishNumber,
  totalTokenCount: nullishNumber,
});

const GoogleErrorDetailSchema = v.looseObject({
  "@type": nullishString,
  retryDelay: v.optional(v.unknown()),
  reason: nullishString,
  metadata: v.nullish(v.record(v.string(), v.unknown())),
});

export const GoogleErrorSchema = v.looseObject({
  code: nullishNumber,
  message: nullishString,
  status: nullishString,
  details: v.nullish(v.array(GoogleErrorDetailSchema)),
});

export const GeminiAnswerSchema = v.looseObject({
  candidates: v.nullish(v.array(CandidateSchema)),
  promptFeedback: v.nullish(v.looseObject({ blockReason: nullishString })),
  usageMetadata: v.nullish(UsageMetadataSchema),
  /** An error inside a 200 body or a stream; read leniently by googleErrorOf. */
  error: v.optional(v.unknown()),
});

export type GeminiPart = v.InferOutput<typeof PartSchema>;
export type GeminiCandidate = v.InferOutput<typeof CandidateSchema>;
export type UsageMetadata = v.InferOutput<typeof UsageMetadataSchema>;
export type GoogleError = v.InferOutput<typeof GoogleErrorSchema>;
export type GoogleErrorDetail = v.InferOutput<typeof GoogleErrorDetailSchema>;
export type GeminiAnswer = v.InferOutput<typeof GeminiAnswerSchema>;

/** Code Assist wraps each response as `{response:{…}, traceId}`; the wrapper is taken off first. */
export function checkGeminiAnswer(body: unknown): WireCheck<GeminiAnswer> {
  const wrapped = typeof body === "object" && body !== null && !("candidates" in body) && "response" in body;
  const inner = wrapped && typeof body.response === "object" && body.response !== null ? body.response : body;
  return checkWire(GeminiAnswerSchema, inner);
}
