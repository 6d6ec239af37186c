import type { UpstreamError } from "../util/errors.ts";
import type { MessageResponse, MessagesRequest, StreamEvent } from "./anthropic.ts";
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

export interface RawRequest {
  text: string;
  request: MessagesRequest;
}

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
   * The client's JSON body exactly as received, with the request object it was parsed into. A
   * pass-through whose request is still that object may forward the text with only `model`
   * swapped instead of serialising again; any step that changes the request makes a new object.
   */
  raw?: RawRequest;
  /**
   * The router's estimate of the request's input tokens (linear in the body size, computed while
   * routing): translated streams report it in message_start, the upstream's exact count follows in
   * message_delta.
   */
  estimatedInputTokens?: number;
}

/** A translated answer as one Anthropic message (a non-streaming request). */
export interface WholeMessage {
  kind: "message";
  message: MessageResponse;
}

/**
 * A translated stream, read a batch at a time (the events one upstream message became). `read`
 * never rejects: a broken upstream ends the stream with the translator's events for it, and
 * `failure` then holds what broke it.
 */
export interface AnthropicEvents {
  read(): Promise<StreamEvent[] | undefined>;
  cancel(reason?: unknown): Promise<void>;
  readonly failure: unknown;
}

export interface EventStream {
  kind: "events";
  events: AnthropicEvents;
}

/** An Anthropic-compatible upstream's answer as it came: its bytes, relayed untouched where the client speaks Anthropic. */
export type PassThrough = { kind: "pass-through"; status: number; headers: Headers } & (
  | { stream: true; body: ReadableStream<Uint8Array> }
  | { stream: false; body: Uint8Array<ArrayBuffer> }
);

/** What `send` resolves to; the edge encodes it once, in the client's API. */
export type SendOutcome = WholeMessage | EventStream | PassThrough;

/**
 * A provider adapter. `send` resolves with a typed outcome; it rejects with an UpstreamError
 * (retryable or not) when the upstream fails before the answer's first content.
 */
export interface ProviderAdapter {
  readonly name: string;
  readonly kind: string;
  readonly config: ProviderConfig;
  send(req: MessagesRequest, ctx: SendContext): Promise<SendOutcome>;
  /** Token count for count_tokens; the default estimate is used when absent. */
  countTokens?(req: MessagesRequest, ctx: SendContext): Promise<number>;
}

/** Read once when adapters are built: the documented upstream URL overrides (CCMUX_CODEX_BASE_URL, …). */
export interface AdapterOptions {
  env: Env;
}

export type AdapterFactory = (config: ProviderConfig, opts: AdapterOptions) => ProviderAdapter;
