import type { ErrorMapper } from "../../contracts/adapter.ts";
import type { ErrorEvent } from "../../contracts/anthropic.ts";
import { type AnthropicErrorType, anthropicErrorBody, statusForErrorType, UpstreamError } from "../../util/errors.ts";
import { errorObjectOf, openaiErrorType } from "../shared/openai-error.ts";
import { isContextLengthError, promptTooLongMessage } from "../shared/prompt-too-long.ts";
import { retryAfterFromMessage, retryAfterSeconds } from "../shared/retry-after.ts";
import * as v from "valibot";
import { ResponsesErrorSchema, type ResponsesError } from "./schema.ts";
import { checkWire, nullishNumber } from "../shared/wire-schema.ts";

/** Responses/Codex error codes (or types) → Anthropic error types; unknown codes fall back to the HTTP status. */
const TYPE_BY_CODE = new Map<string, AnthropicErrorType>(
  Object.entries<AnthropicErrorType>({
    rate_limit_exceeded: "rate_limit_error",
    usage_limit_reached: "rate_limit_error",
    insufficient_quota: "billing_error",
    usage_not_included: "permission_error",
    context_length_exceeded: "invalid_request_error",
    invalid_prompt: "invalid_request_error",
    invalid_request_error: "invalid_request_error",
    invalid_api_key: "authentication_error",
    authentication_error: "authentication_error",
    model_not_found: "not_found_error",
    server_error: "api_error",
    internal_error: "api_error",
    server_is_overloaded: "overloaded_error",
    overloaded: "overloaded_error",
    slow_down: "overloaded_error",
  }),
);

/** Codes meaning "this account can't serve now": worth failing over even when the status says otherwise. */
const FAILOVER_CODES = new Set(["usage_limit_reached", "insufficient_quota", "usage_not_included"]);

/** A known code outranks the fallback type; context overflows get the wording Claude Code compacts on. */
export function classifyError(
  code: unknown,
  message: string,
  fallback: AnthropicErrorType,
): { type: AnthropicErrorType; message: string } {
  if (isContextLengthError(code, message))
    return { type: "invalid_request_error", message: promptTooLongMessage(message) };
  return { type: (typeof code === "string" && TYPE_BY_CODE.get(code)) || fallback, message };
}

/** An Anthropic `error` stream event for a `response.failed` error or an `error` event. */
export function errorEventFor(err: ResponsesError | null | undefined, fallbackMessage: string): ErrorEvent {
  const message = typeof err?.message === "string" && err.message !== "" ? err.message : fallbackMessage;
  const { type, message: text } = classifyError(err?.code ?? err?.type, message, "api_error");
  return anthropicErrorBody(type, text);
}

/** A failed `response` object (non-streaming) → UpstreamError. */
export function responseFailureError(err: ResponsesError | null | undefined): UpstreamError {
  const { error } = errorEventFor(err, "The Responses upstream reported a failed response");
  const status = statusForErrorType(error.type) ?? 500;
  return new UpstreamError({
    status,
    type: error.type,
    message: error.message,
    retryAfter: retryAfterFromMessage(error.message),
  });
}

export interface HttpErrorOptions {
  headers?: Headers;
  /** Milliseconds since the epoch; turns `resets_at` into a retry-after. */
  now?: () => number;
  /** The upstream model asked for, named in the message when the account's plan excludes it. */
  model?: string;
  provider?: string;
}

/** Codex's answer for a model a ChatGPT plan does not include (retired, or Pro-only on Plus). */
const PLAN_EXCLUDED = /not supported when using Codex with a ChatGPT account/i;

/** A clear, final invalid_request_error: another attempt at the same model cannot succeed. */
function planExcludedError(status: number, message: string, opts: HttpErrorOptions): UpstreamError | undefined {
  if (!PLAN_EXCLUDED.test(message)) return undefined;
  const name = opts.model ? `The model "${opts.model}"` : "This model";
  return new UpstreamError({
    status: status >= 400 && status < 500 ? status : 400,
    type: "invalid_request_error",
    message: `${name} is not available with this ChatGPT account through Codex (${message}). Map it to a model the plan includes; the README lists the current names.`,
    retryable: false,
    provider: opts.provider,
  });
}

/** A non-2xx Responses/Codex HTTP reply (`{error:{message,type,code}}` or `{detail}`) → UpstreamError. */
export function responsesHttpError(status: number, bodyText: string, opts: HttpErrorOptions = {}): UpstreamError {
  const { error, detail } = parseErrorBody(bodyText);
  const code = error?.code ?? error?.type;
  const rawMessage = error?.message ?? detail ?? (bodyText.trim().slice(0, 500) || `HTTP ${status}`);
  const excluded = planExcludedError(status, rawMessage, opts);
  if (excluded) return excluded;
  const { type, message } = classifyError(code, rawMessage, openaiErrorType(status));
  // When the code re-classified the error the status follows (Codex sends usage_limit_reached as a 404 at times).
  const finalStatus = type === openaiErrorType(status) ? status : (statusForErrorType(type) ?? status);
  const retryAfter = retryAfterOf(opts.headers, error, message, opts.now ?? Date.now);
  const resets = code === "usage_limit_reached" && retryAfter !== undefined ? ` (resets in ${retryAfter} s)` : "";
  return new UpstreamError({
    status: finalStatus,
    type,
    message: message + resets,
    retryAfter,
    retryable: FAILOVER_CODES.has(String(code)) || undefined,
    headers: retryAfter === undefined ? {} : { "retry-after": String(retryAfter) },
    provider: opts.provider,
  });
}

/** The Responses dialect's ErrorMapper. */
export const mapResponsesError: ErrorMapper = (answer) => responsesHttpError(answer.status, answer.body, answer);

/** Codex's usage_limit_reached says when the window resets. */
const ErrorBodyErrorSchema = v.looseObject({
  ...ResponsesErrorSchema.entries,
  resets_in_seconds: nullishNumber,
  resets_at: nullishNumber,
});

type ErrorBodyError = v.InferOutput<typeof ErrorBodyErrorSchema>;

function parseErrorBody(text: string): { error?: ErrorBodyError; detail?: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {};
  }
  const detail = typeof body === "object" && body !== null && "detail" in body ? body.detail : undefined;
  const object = errorObjectOf(body);
  const checked = checkWire(ErrorBodyErrorSchema, object);
  return {
    error: checked.ok ? checked.value : object && { message: object.message },
    detail: typeof detail === "string" ? detail : detail === undefined ? undefined : JSON.stringify(detail),
  };
}

function retryAfterOf(
  headers: Headers | undefined,
  error: ErrorBodyError | undefined,
  message: string,
  now: () => number,
): number | undefined {
  const fromHeaders = headers ? retryAfterSeconds(headers, now) : undefined;
  if (fromHeaders !== undefined) return fromHeaders;
  if (typeof error?.resets_in_seconds === "number") return Math.max(0, Math.ceil(error.resets_in_seconds));
  if (typeof error?.resets_at === "number") return Math.max(0, Math.ceil(error.resets_at - now() / 1000));
  return retryAfterFromMessage(message);
}
