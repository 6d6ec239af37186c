/** The typed, validated, env-expanded configuration. Keys follow claude-code-mux's config.toml. */
export type AuthType = "apikey" | "oauth" | "passthrough" | "adc";

export interface TimeoutsConfig {
  connect_timeout_ms: number;
  /** Time to first byte of the upstream response. */
  api_timeout_ms: number;
  /** Longest silence allowed inside a stream before it is aborted. */
  idle_timeout_ms: number;
  /** Silence on an SSE response after which a `ping` event is sent; 0 = never. Default 15 s. */
  ping_interval_ms?: number;
  /** From a translated stream's headers to its first content event; unset = api_timeout_ms. */
  first_event_timeout_ms?: number;
}

/** Provider cooldown (circuit breaker) settings, `[server.health]`. */
export interface HealthConfig {
  /** Consecutive retryable failures that start a cooldown. */
  failure_threshold: number;
  /** The first cooldown; each failed half-open probe doubles it. */
  cooldown_ms: number;
  /** Cap for the doubled cooldown and for honoured `retry-after` values. */
  max_cooldown_ms: number;
}

/** `[server.limits]`; defaults (DEFAULT_LIMITS) apply when absent. */
export interface LimitsConfig {
  /** A non-streamed upstream body (answer or error) larger than this is a retryable 502. */
  max_upstream_body_mb: number;
  /** A client's request body that sends no byte for this long is answered 408 and its connection closed. */
  request_body_timeout_ms: number;
}

export interface ServerConfig {
  host: string;
  port: number;
  api_key?: string;
  /** The raw `api_key` text when it referenced an env variable, e.g. "$CCMUX_API_KEY", for display. */
  api_key_ref?: string;
  admin_token?: string;
  /** The raw `admin_token` text when it referenced an env variable, for display. */
  admin_token_ref?: string;
  /** Opens GET /metrics (only) to a scraper presenting it as a bearer token. */
  metrics_token?: string;
  log_level: string;
  timeouts: TimeoutsConfig;
  /** Defaults apply when absent (configs built in code). */
  health?: HealthConfig;
  /** Defaults apply when absent (configs built in code). */
  limits?: LimitsConfig;
}

/** Model-name slots are never "": an empty value in the file means unset. */
export interface RouterConfig {
  default: string;
  background?: string;
  think?: string;
  websearch?: string;
  long_context?: string;
  long_context_threshold: number;
  image?: string;
  auto_map_regex?: string;
  background_regex?: string;
  /** Effort levels that take the think route (default xhigh, max). */
  think_efforts?: string[];
  /** "claude-code" (default: background before think, effort counts) or "claude-code-mux". */
  order?: RouteOrder;
}

export type PoolStrategy = "fill-first" | "round-robin" | "least-used";

/** One account of a provider's pool. `name` is unique in the pool and is what logs, status and usage show. */
export interface AccountConfig {
  name: string;
  /** Token store id, for a subscription account. */
  oauth_provider?: string;
  api_key?: string;
  /** The raw value from the file, e.g. "$KEY_2", kept for display. */
  api_key_ref?: string;
  weight: number;
  enabled: boolean;
}

/** How a provider with `accounts` picks one; defaults filled in by normalization. */
export interface PoolConfig {
  strategy: PoolStrategy;
  /** A pinned session leaves its account once that account's tightest window is at least this full (0..1). */
  shed_utilization: number;
  session_ttl_s: number;
  /** Hold a request for at most this long when every account is limited; 0 answers at once. */
  wait_for_reset_max_s: number;
}

/** One `[[providers.error_rules]]` entry, validated: a status and/or a body test, and one verdict. */
export interface ErrorRule {
  status?: number;
  /** Case-insensitive substring of the upstream's error message. */
  body?: string;
  /** Rust-style regex (`(?i)` allowed) over the same message. */
  regex?: string;
  action: "stop" | "next_account" | "next_provider" | "cooldown";
  /** As written, e.g. "10m"; `cooldown_ms` is its value. */
  cooldown?: string;
  cooldown_ms?: number;
}
export type RouteOrder = "claude-code" | "claude-code-mux";

export interface ProviderConfig {
  name: string;
  provider_type: string;
  auth_type: AuthType;
  api_key?: string;
  /** The raw value from the file, e.g. "$OPENROUTER_API_KEY", kept for display. */
  api_key_ref?: string;
  /** Token store key; always set when auth_type is "oauth" (defaults to `name`). */
  oauth_provider?: string;
  project_id?: string;
  location?: string;
  base_url?: string;
  headers: Record<string, string>;
  /** Header names never sent upstream, whatever would set them (forwarded from the client, or ccmux's own). */
  drop_headers?: string[];
  /** The only `anthropic-beta` values sent (Anthropic dialect); `["*"]` = all. Defaults per kind in wire-profiles.ts. */
  allowed_betas?: string[];
  /** Top-level request fields removed before sending (Anthropic dialect). Defaults per kind in wire-profiles.ts. */
  drop_body_fields?: string[];
  models: string[];
  /** Upstream model ids that take no images (OpenAI-compatible dialects); images to them are a 400. */
  text_only_models?: string[];
  enabled: boolean;
  /** A pool of accounts; absent means the provider's own credentials, as before pools existed. */
  accounts?: AccountConfig[];
  pool?: PoolConfig;
  error_rules?: ErrorRule[];
}

export interface ModelMapping {
  priority: number;
  provider: string;
  /** "*" means: send the model name the client asked for, unchanged. */
  actual_model: string;
}

/** A model named "*" is the catch-all, used when no other `[[models]]` name matches. */
export const CATCH_ALL_MODEL = "*";

export interface ModelConfig {
  name: string;
  /** Sorted by ascending priority, lowest tried first; equal priorities keep file order. */
  mappings: ModelMapping[];
}

/** `[usage]`: the usage history in the data directory's database. */
export interface UsageConfig {
  enabled: boolean;
  retention_days: number;
}

/** USD per million tokens. */
export interface PriceConfig {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
}

export interface Config {
  server: ServerConfig;
  router: RouterConfig;
  providers: ProviderConfig[];
  models: ModelConfig[];
  /** Upstream model id → context window in tokens, over the shipped table (catalog/context-windows.ts). */
  context_windows?: Record<string, number>;
  /** Upstream model id → most output tokens per answer, over the shipped table (catalog/output-limits.ts). */
  output_limits?: Record<string, number>;
  /** Defaults apply when absent (configs built in code). */
  usage?: UsageConfig;
  /** `[prices."model-id"]`: over the prices shipped in the binary. */
  prices?: Record<string, PriceConfig>;
  /** Where it was loaded from; undefined for the embedded default. */
  path?: string;
  /**
   * The file's text of every string that referenced an environment variable, by this config's key
   * path (`router.think`, `models[0].mappings[1].actual_model`, mappings in their sorted order).
   * What the admin API shows instead of the expansion.
   */
  env_refs?: ReadonlyMap<string, string>;
}
