import type { UpstreamError } from "../util/errors.ts";
import type { MessagesRequest } from "./anthropic.ts";
import type { LimitsConfig, ProviderConfig, TimeoutsConfig } from "../config/types.ts";
import type { Env } from "../config/paths.ts";
import type { Logger } from "../util/log.ts";

/** A non-2xx upstream answer, as a dialect's error mapper reads it. */
export interface UpstreamErrorAnswer {
  status: number;
  /** The body text (capped). */
  body: string;
  headers: Headers;
  /** The provider's name, carried into the error. */
  provider: string;
  /** The upstream model asked for. */
  model: string;
}

/** One per dialect (anthropic, openai-chat, responses, gemini): a non-2xx answer → UpstreamError in Anthropic's terms. */
export type ErrorMapper = (answer: UpstreamErrorAnswer) => UpstreamError;

export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What an adapter needs to authenticate one upstream call. */
export interface Credentials {
  apiKey?: string;
  accessToken?: string;
  accountId?: string;
  projectId?: string;
}

export interface CredentialSource {
  /** Current credentials, refreshing first when they are about to expire. */
  get(): Promise<Credentials>;
  /** Force a refresh (after an upstream 401). Undefined when the source cannot refresh. */
  refresh?(): Promise<Credentials>;
}

export interface SendContext {
  signal: AbortSignal;
  fetch: FetchFn;
  /** The client's request headers (pass-through auth, anthropic-version, anthropic-beta). */
  inbound: Headers;
  /** The upstream model id (the mapping's actual_model). */
  model: string;
  timeouts: TimeoutsConfig;
  /** Caps on what is read from the upstream (`max_upstream_body_mb`). */
  limits: LimitsConfig;
  log: Logger;
  credentials: CredentialSource;
  /**
   * The client's JSON body exactly as received, when ccmux has not changed the request object;
   * a pass-through may forward it with only `model` swapped instead of serialising again.
   */
  rawBody?: string;
  /**
   * The router's estimate of the request's input tokens (linear in the body size, computed while
   * routing): translated streams report it in message_start, the upstream's exact count follows in
   * message_delta.
   */
  estimatedInputTokens?: number;
}

/**
 * A provider adapter. `send` resolves with an Anthropic-shaped Response: JSON when
 * `req.stream` is false, Anthropic SSE otherwise. It rejects with an UpstreamError
 * (retryable or not) when the upstream fails before the first byte.
 */
export interface ProviderAdapter {
  readonly name: string;
  readonly kind: string;
  readonly config: ProviderConfig;
  send(req: MessagesRequest, ctx: SendContext): Promise<Response>;
  /** Token count for count_tokens; the default estimate is used when absent. */
  countTokens?(req: MessagesRequest, ctx: SendContext): Promise<number>;
}

/** Read once when adapters are built: the documented upstream URL overrides (CCMUX_CODEX_BASE_URL, …). */
export interface AdapterOptions {
  env: Env;
}

export type AdapterFactory = (config: ProviderConfig, opts: AdapterOptions) => ProviderAdapter;
