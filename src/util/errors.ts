import { redact } from "./log.ts";

export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "billing_error"
  | "permission_error"
  | "not_found_error"
  | "conflict_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "timeout_error"
  | "overloaded_error";

export interface AnthropicErrorBody {
  type: "error";
  error: { type: AnthropicErrorType; message: string };
}

const TYPE_BY_STATUS: Record<number, AnthropicErrorType> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  409: "conflict_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

const STATUS_BY_TYPE: Record<AnthropicErrorType, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  conflict_error: 409,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export function errorTypeForStatus(status: number): AnthropicErrorType {
  const known = TYPE_BY_STATUS[status];
  if (known) return known;
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}

export function isAnthropicErrorType(type: unknown): type is AnthropicErrorType {
  return typeof type === "string" && Object.hasOwn(STATUS_BY_TYPE, type);
}

export function statusForErrorType(type: string): number | undefined {
  return isAnthropicErrorType(type) ? STATUS_BY_TYPE[type] : undefined;
}

/** Base for every error ccmux raises on purpose. */
export class CcmuxError extends Error {
  /** Response headers the error carries to the client (retry-after, the route taken, …). */
  readonly headers: Record<string, string> = {};
  constructor(
    message: string,
    readonly status: number,
    readonly type: AnthropicErrorType = errorTypeForStatus(status),
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The client's own mistake: 4xx, never retried, never failed over. */
export class RequestError extends CcmuxError {
  constructor(message: string, status = 400, type?: AnthropicErrorType) {
    super(message, status, type ?? errorTypeForStatus(status));
  }
}

export class ConfigError extends CcmuxError {
  constructor(message: string) {
    super(message, 500, "api_error");
  }
}

export class AuthError extends CcmuxError {
  constructor(message: string, status = 401) {
    super(message, status);
  }
}

export class TranslateError extends CcmuxError {
  constructor(message: string, status = 500, type: AnthropicErrorType = "api_error") {
    super(message, status, type);
  }
}

export interface UpstreamErrorInit {
  status: number;
  message: string;
  type?: AnthropicErrorType;
  retryable?: boolean;
  retryAfter?: number;
  provider?: string;
  headers?: Record<string, string>;
}

/** An upstream failure; `retryable` decides failover. */
export class UpstreamError extends CcmuxError {
  readonly retryable: boolean;
  readonly retryAfter?: number;
  readonly provider?: string;
  constructor(init: UpstreamErrorInit) {
    super(init.message, init.status, init.type ?? errorTypeForStatus(init.status));
    this.retryable = init.retryable ?? isRetryableStatus(init.status);
    this.retryAfter = init.retryAfter;
    this.provider = init.provider;
    Object.assign(this.headers, init.headers);
  }
}

export class ClientAbort extends Error {
  constructor() {
    super("client disconnected");
    this.name = "ClientAbort";
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Masks credentials in a text; `redact` (key-shaped strings) unless the caller knows the configured secrets. */
export type Scrub = (text: string) => string;

/**
 * The one Anthropic error envelope, for JSON bodies and stream `error` events alike, and the one
 * place an error's text is scrubbed: an upstream that echoes the key it was sent must not hand it
 * to ccmux's client.
 */
export function anthropicErrorBody(
  type: AnthropicErrorType,
  message: string,
  scrub: Scrub = redact,
): AnthropicErrorBody {
  return { type: "error", error: { type, message: scrub(message) } };
}

/** The one place any error becomes Anthropic's envelope and status (scrubbed by `anthropicErrorBody`). */
export function toAnthropicError(
  err: unknown,
  scrub?: Scrub,
): {
  status: number;
  body: AnthropicErrorBody;
  headers: Record<string, string>;
} {
  if (err instanceof CcmuxError) {
    const headers = { ...err.headers };
    return { status: err.status, body: anthropicErrorBody(err.type, err.message, scrub), headers };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, body: anthropicErrorBody("api_error", `Internal error: ${message}`, scrub), headers: {} };
}

export function anthropicErrorResponse(
  err: unknown,
  extraHeaders: Record<string, string> = {},
  scrub?: Scrub,
): Response {
  const { status, body, headers } = toAnthropicError(err, scrub);
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers, ...extraHeaders },
  });
}
