import { errorTypeForStatus, toAnthropicError, type Scrub } from "../../../util/errors.ts";

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: null; code: string | null };
}

/** An error in OpenAI's shape; `type` defaults to the Anthropic type for the status (most names coincide). */
export function openAIErrorBody(status: number, message: string, type?: string): OpenAIErrorBody {
  return { error: { message, type: type ?? errorTypeForStatus(status), param: null, code: null } };
}

/** Any error → status, OpenAI-shaped body and headers to relay (retry-after), via the one Anthropic mapping. */
export function toOpenAIError(
  err: unknown,
  scrub?: Scrub,
): {
  status: number;
  body: OpenAIErrorBody;
  headers: Record<string, string>;
} {
  const { status, body, headers } = toAnthropicError(err, scrub);
  return { status, body: openAIErrorBody(status, body.error.message, body.error.type), headers };
}
