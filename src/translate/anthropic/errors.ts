import type { ErrorMapper } from "../../contracts/adapter.ts";
import { isAnthropicErrorType, UpstreamError } from "../../util/errors.ts";
import { retryAfterSeconds } from "../shared/retry-after.ts";
import { headerBytes, MAX_RELAYED_HEADER_BYTES, oversizedHeaders } from "../../util/header-size.ts";

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

function parseAnthropicError(text: string): { type?: unknown; message?: string } {
  try {
    const body: unknown = JSON.parse(text);
    const err = typeof body === "object" && body !== null && "error" in body ? body.error : undefined;
    if (typeof err === "object" && err !== null) {
      const message = "message" in err && typeof err.message === "string" ? err.message : undefined;
      return { type: "type" in err ? err.type : undefined, message };
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return {};
}

/** An Anthropic-compatible upstream's error keeps its status, type and message. */
export const mapAnthropicError: ErrorMapper = ({ status, body: text, headers, provider }) => {
  const parsed = parseAnthropicError(text);
  const type = isAnthropicErrorType(parsed.type) ? parsed.type : undefined;
  const message = parsed.message ?? (text.trim().slice(0, 500) || `HTTP ${status}`);
  const relay = relayed(headers);
  // The same bound as a pass-through answer's relayed headers: the client must be able to parse the error.
  if (headerBytes(relay) > MAX_RELAYED_HEADER_BYTES) return oversizedHeaders(provider, MAX_RELAYED_HEADER_BYTES);
  return new UpstreamError({
    status,
    type,
    message,
    provider,
    retryAfter: retryAfterSeconds(headers),
    headers: relay,
  });
};
