import type { ErrorMapper } from "../../contracts/adapter.ts";
import { statusForErrorType, UpstreamError, type AnthropicErrorType } from "../../util/errors.ts";
import { retryAfterSeconds } from "../shared/retry-after.ts";

const RELAYED = ["retry-after", "retry-after-ms", "x-should-retry", "request-id"];

function relayed(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of RELAYED) {
    const v = headers.get(name);
    if (v !== null) out[name] = v;
  }
  headers.forEach((v, k) => {
    if (k.startsWith("anthropic-ratelimit-")) out[k] = v;
  });
  return out;
}

function parseAnthropicError(text: string): { type?: string; message?: string } {
  try {
    const body = JSON.parse(text) as { error?: { type?: unknown; message?: unknown } };
    const err = body?.error;
    if (err && typeof err === "object") {
      return {
        type: typeof err.type === "string" ? err.type : undefined,
        message: typeof err.message === "string" ? err.message : undefined,
      };
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return {};
}

/** An Anthropic-compatible upstream's error keeps its status, type and message. */
export const mapAnthropicError: ErrorMapper = ({ status, body: text, headers, provider }) => {
  const parsed = parseAnthropicError(text);
  const type =
    parsed.type && statusForErrorType(parsed.type) !== undefined ? (parsed.type as AnthropicErrorType) : undefined;
  const message = parsed.message ?? (text.trim().slice(0, 500) || `HTTP ${status}`);
  return new UpstreamError({
    status,
    type,
    message,
    provider,
    retryAfter: retryAfterSeconds(headers),
    headers: relayed(headers),
  });
};
