import { isIndexable } from "../../util/is-record.ts";
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
  if (!isIndexable(value)) return undefined;
  const err = value.error;
  if (typeof err === "string") return { message: err };
  if (isIndexable(err)) return { ...err, message: typeof err.message === "string" ? err.message : JSON.stringify(err) };
  const message = value.message;
  return typeof message === "string" ? { message } : undefined;
}

/** Anthropic error type for an upstream status; 503 is how OpenAI-style servers say "overloaded". */
export function openaiErrorType(status: number): AnthropicErrorType {
  return status === 503 ? "overloaded_error" : errorTypeForStatus(status);
}
