import { type AnthropicErrorType, errorTypeForStatus } from "../../util/errors.ts";

/** An OpenAI-style error object (Chat Completions, Responses; OpenRouter also sends it inside stream chunks). */
export interface OpenAIErrorObject {
  message?: string;
  type?: string;
  code?: string | number | null;
  param?: string | null;
  [k: string]: unknown;
}

/** The `error` object of an OpenAI-style body (`{error:{…}}` or `{error:"…"}`), else undefined. */
export function parseErrorObject(body: string): OpenAIErrorObject | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  return errorObjectOf(parsed);
}

export function errorObjectOf(value: unknown): OpenAIErrorObject | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const err = (value as { error?: unknown }).error;
  if (typeof err === "string") return { message: err };
  if (err && typeof err === "object") {
    const obj = err as OpenAIErrorObject;
    return { ...obj, message: typeof obj.message === "string" ? obj.message : JSON.stringify(err) };
  }
  const message = (value as { message?: unknown }).message;
  return typeof message === "string" ? { message } : undefined;
}

/** Anthropic error type for an upstream status; 503 is how OpenAI-style servers say "overloaded". */
export function openaiErrorType(status: number): AnthropicErrorType {
  return status === 503 ? "overloaded_error" : errorTypeForStatus(status);
}
