import type { ErrorMapper } from "../../contracts/adapter.ts";
import type { ErrorEvent } from "../../contracts/anthropic.ts";
import { errorEvent } from "../../stream/event-writer.ts";
import { errorTypeForStatus, UpstreamError, type AnthropicErrorType } from "../../util/errors.ts";
import { promptTooLongMessage } from "../shared/prompt-too-long.ts";
import { retryAfterSeconds } from "../shared/retry-after.ts";
import { GoogleErrorSchema, type GoogleError, type GoogleErrorDetail } from "./schema.ts";
import { checkWire } from "../shared/wire-schema.ts";

/** google.rpc.Code names → HTTP status and Anthropic error type (protocol.md §5.4). */
const BY_RPC_STATUS: Record<string, [number, AnthropicErrorType]> = {
  INVALID_ARGUMENT: [400, "invalid_request_error"],
  FAILED_PRECONDITION: [400, "invalid_request_error"],
  OUT_OF_RANGE: [400, "invalid_request_error"],
  UNAUTHENTICATED: [401, "authentication_error"],
  PERMISSION_DENIED: [403, "permission_error"],
  NOT_FOUND: [404, "not_found_error"],
  ABORTED: [409, "conflict_error"],
  ALREADY_EXISTS: [409, "conflict_error"],
  RESOURCE_EXHAUSTED: [429, "rate_limit_error"],
  INTERNAL: [500, "api_error"],
  UNKNOWN: [500, "api_error"],
  UNAVAILABLE: [503, "overloaded_error"],
  DEADLINE_EXCEEDED: [504, "timeout_error"],
};

const CONTEXT_OVERFLOW =
  /exceeds the maximum number of tokens|input token count|context (?:length|window)|too many tokens/i;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };

export interface GoogleErrorOptions {
  headers?: Headers;
  provider?: string;
}

/**
 * A protobuf Duration as Google sends it ("32s", "1.5s", "300ms", "1h2m3s") → seconds.
 * Undefined when the value is not a duration.
 */
export function parseRetryDelay(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  let seconds = 0;
  let consumed = 0;
  for (const match of text.matchAll(DURATION_PART)) {
    seconds += Number(match[1]) * UNIT_SECONDS[match[2]!]!;
    consumed += match[0].length;
  }
  return consumed > 0 && consumed === text.length ? seconds : undefined;
}

/** The `error` object of a Google error body: an object, a JSON string, or a one-element array of either. */
export function googleErrorOf(body: unknown): GoogleError | undefined {
  let value = body;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (Array.isArray(value)) value = value[0];
  const error = typeof value === "object" && value !== null && "error" in value ? value.error : undefined;
  const checked = checkWire(GoogleErrorSchema, error);
  return checked.ok ? checked.value : undefined;
}

/** A non-2xx Google reply (or an error inside a 200 body) → UpstreamError with Anthropic's type and wording. */
export function googleErrorToUpstream(httpStatus: number, body: unknown, opts: GoogleErrorOptions = {}): UpstreamError {
  const error = googleErrorOf(body);
  const fallback = typeof body === "string" ? body.trim().slice(0, 500) : "";
  const { status, type, message } = classify(error ?? { message: fallback }, httpStatus);
  const retryAfter = retryDelayOf(error?.details) ?? (opts.headers ? retryAfterSeconds(opts.headers) : undefined);
  return new UpstreamError({
    status,
    type,
    message,
    retryAfter,
    provider: opts.provider,
    headers: retryAfter === undefined ? {} : { "retry-after": String(Math.ceil(retryAfter)) },
  });
}

/** The Gemini dialect's ErrorMapper (Gemini API, Code Assist and Vertex AI). */
export const mapGoogleError: ErrorMapper = (answer) => googleErrorToUpstream(answer.status, answer.body, answer);

/** An error chunk inside a Gemini stream → Anthropic `error` event. */
export function googleErrorEvent(error: GoogleError): ErrorEvent {
  const { type, message } = classify(error, 500);
  return errorEvent(type, message);
}

/** RetryInfo.retryDelay, else the Code Assist ErrorInfo `quotaResetDelay`, in seconds. */
export function retryDelayOf(details: GoogleErrorDetail[] | null | undefined): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    if (String(detail?.["@type"]).endsWith("google.rpc.RetryInfo")) {
      const delay = parseRetryDelay(detail.retryDelay);
      if (delay !== undefined) return delay;
    }
  }
  for (const detail of details) {
    const delay = parseRetryDelay(detail?.metadata?.quotaResetDelay);
    if (delay !== undefined) return delay;
  }
  return undefined;
}

function classify(
  error: GoogleError,
  httpStatus: number,
): { status: number; type: AnthropicErrorType; message: string } {
  const code = typeof error.code === "number" && error.code >= 400 && error.code <= 599 ? error.code : httpStatus;
  const [status, type] = BY_RPC_STATUS[error.status ?? ""] ?? [code, errorTypeForStatus(code)];
  const raw =
    typeof error.message === "string" && error.message !== "" ? error.message : `Gemini returned HTTP ${code}`;
  if (status === 400 && CONTEXT_OVERFLOW.test(raw)) {
    return { status: 400, type: "invalid_request_error", message: promptTooLongMessage(raw) };
  }
  if (isInvalidApiKey(error)) return { status: 401, type: "authentication_error", message: raw };
  return { status, type, message: raw };
}

/** Google answers a bad API key with 400 INVALID_ARGUMENT; Anthropic clients expect 401. */
function isInvalidApiKey(error: GoogleError): boolean {
  const reasons = (error.details ?? []).map((d) => d?.reason);
  return reasons.includes("API_KEY_INVALID") || /API key not valid/i.test(error.message ?? "");
}
