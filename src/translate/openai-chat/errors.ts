import type { ErrorMapper } from "../../contracts/adapter.ts";
import { UpstreamError } from "../../util/errors.ts";
import { type OpenAIErrorObject, openaiErrorType, parseErrorObject } from "../shared/openai-error.ts";
import { isContextLengthError, promptTooLongMessage } from "../shared/prompt-too-long.ts";
import { retryAfterSeconds } from "../shared/retry-after.ts";

/** An OpenAI-compatible error response → UpstreamError carrying the Anthropic type, wording and retry-after. */
export const mapChatError: ErrorMapper = ({ status, body, headers, provider }) => {
  const error = parseErrorObject(body) ?? { message: plainMessage(status, body, provider) };
  const retryAfter = retryAfterSeconds(headers);
  const relay: Record<string, string> = retryAfter === undefined ? {} : { "retry-after": String(retryAfter) };
  return chatErrorObjectToUpstream(error, status, provider, { retryAfter, headers: relay });
};

/**
 * An OpenAI-style error object → UpstreamError. Also used for errors inside a 200 body or a
 * stream chunk, where `status` is the fallback and a numeric `code` (OpenRouter) wins.
 */
export function chatErrorObjectToUpstream(
  error: OpenAIErrorObject,
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
  return new UpstreamError({ status: code, type: openaiErrorType(code), message, provider, ...extra });
}

function plainMessage(status: number, body: string, provider: string): string {
  const text = body.trim().slice(0, 500);
  return text === "" ? `${provider} returned HTTP ${status}` : `${provider} returned HTTP ${status}: ${text}`;
}
