import { errorTypeForStatus, UpstreamError, type AnthropicErrorType } from "../../util/errors.ts";
import type { ChatErrorObject } from "./types.ts";

const CONTEXT_LENGTH = /maximum context length|context length|too many tokens|context window/i;

/** An OpenAI-compatible error response → UpstreamError carrying the Anthropic type, wording and retry-after. */
export function chatErrorToUpstream(status: number, body: string, headers: Headers, provider: string): UpstreamError {
  const error = parseErrorObject(body) ?? { message: plainMessage(status, body, provider) };
  const retryAfter = parseRetryAfter(headers);
  const relay: Record<string, string> = retryAfter === undefined ? {} : { "retry-after": String(retryAfter) };
  return chatErrorObjectToUpstream(error, status, provider, { retryAfter, headers: relay });
}

/**
 * An OpenAI-style error object → UpstreamError. Also used for errors inside a 200 body or a
 * stream chunk, where `status` is the fallback and a numeric `code` (OpenRouter) wins.
 */
export function chatErrorObjectToUpstream(
  error: ChatErrorObject,
  status: number,
  provider?: string,
  extra: { retryAfter?: number; headers?: Record<string, string> } = {},
): UpstreamError {
  const message =
    typeof error.message === "string" && error.message !== "" ? error.message : `upstream error (HTTP ${status})`;
  if (isContextLengthError(error.code, message)) {
    return new UpstreamError({
      status: 400,
      type: "invalid_request_error",
      message: promptTooLongMessage(message),
      provider,
      ...extra,
    });
  }
  const code = typeof error.code === "number" && error.code >= 400 && error.code <= 599 ? error.code : status;
  return new UpstreamError({ status: code, type: chatErrorType(code), message, provider, ...extra });
}

/** The `error` object of an OpenAI-style body (`{error:{…}}` or `{error:"…"}`), else undefined. */
export function parseErrorObject(body: string): ChatErrorObject | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  return errorObjectOf(parsed);
}

export function errorObjectOf(value: unknown): ChatErrorObject | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const err = (value as { error?: unknown }).error;
  if (typeof err === "string") return { message: err };
  if (err && typeof err === "object") {
    const obj = err as ChatErrorObject;
    return { ...obj, message: typeof obj.message === "string" ? obj.message : JSON.stringify(err) };
  }
  const message = (value as { message?: unknown }).message;
  return typeof message === "string" ? { message } : undefined;
}

function plainMessage(status: number, body: string, provider: string): string {
  const text = body.trim().slice(0, 500);
  return text === "" ? `${provider} returned HTTP ${status}` : `${provider} returned HTTP ${status}: ${text}`;
}

/** Anthropic error type for an upstream status; 503 is how OpenAI-style servers say "overloaded". */
export function chatErrorType(status: number): AnthropicErrorType {
  return status === 503 ? "overloaded_error" : errorTypeForStatus(status);
}

export function isContextLengthError(code: unknown, message: string): boolean {
  return code === "context_length_exceeded" || CONTEXT_LENGTH.test(message);
}

/**
 * Anthropic's wording, which Claude Code parses to trigger compaction:
 * `prompt is too long: N tokens > M maximum`. Numbers come from the upstream message when it has them.
 */
export function promptTooLongMessage(upstream: string): string {
  const text = upstream.replace(/(\d),(\d{3})/g, "$1$2");
  const numbers = [...text.matchAll(/\d+/g)].map((m) => Number(m[0]));
  const keyword = /(?:maximum|max|limit)[^0-9.]*?(\d+)/i.exec(text);
  let maximum: number;
  if (keyword) maximum = Number(keyword[1]);
  else if (numbers.length >= 2) maximum = [...numbers].sort((a, b) => b - a)[1]!;
  else maximum = numbers[0] ?? 200000;
  const larger = numbers.filter((n) => n > maximum);
  const actual = larger.length > 0 ? Math.max(...larger) : maximum + 1;
  return `prompt is too long: ${actual} tokens > ${maximum} maximum`;
}

/** `retry-after` (seconds) or `retry-after-ms`, in whole seconds. */
export function parseRetryAfter(headers: Headers): number | undefined {
  const seconds = Number(headers.get("retry-after") ?? Number.NaN);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const ms = Number(headers.get("retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms / 1000);
  return undefined;
}
