import * as v from "valibot";
import { PROVIDER_TYPES } from "../catalog/providers.ts";
import { showValue } from "./problems.ts";

/** The spellings accepted for `auth_type`; "api_key" is an alias of "apikey" (claude-code-mux's own template wrote it). */
export const AUTH_TYPE_SPELLINGS = ["apikey", "api_key", "oauth", "passthrough", "adc"] as const;

export const DEFAULT_PORT = 13456;

const oneOf = <const T extends readonly string[]>(options: T) =>
  v.picklist(
    options,
    (issue) => `expected one of ${options.map((o) => `"${o}"`).join(", ")}, got ${showValue(issue.input)}`,
  );

const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  v.pipe(
    v.number(),
    v.integer((issue) => `expected an integer, got ${showValue(issue.input)}`),
    v.minValue(min, (issue) => `expected at least ${min}, got ${showValue(issue.input)}`),
    v.maxValue(max, (issue) => `expected at most ${max}, got ${showValue(issue.input)}`),
  );

const nonEmptyString = v.pipe(
  v.string(),
  v.minLength(1, () => "must not be empty"),
);

export const DEFAULT_PING_INTERVAL_MS = 15_000;

export const TimeoutsSchema = v.object({
  connect_timeout_ms: v.optional(integer(1), 10_000),
  api_timeout_ms: v.optional(integer(1), 600_000),
  idle_timeout_ms: v.optional(integer(1), 120_000),
  /** 0 turns keep-alive pings off. */
  ping_interval_ms: v.optional(integer(0), DEFAULT_PING_INTERVAL_MS),
  /** Unset: api_timeout_ms. */
  first_event_timeout_ms: v.optional(integer(1)),
});

export const DEFAULT_HEALTH = { failure_threshold: 3, cooldown_ms: 5_000, max_cooldown_ms: 600_000 } as const;

export const HealthSchema = v.object({
  failure_threshold: v.optional(integer(1), DEFAULT_HEALTH.failure_threshold),
  cooldown_ms: v.optional(integer(1), DEFAULT_HEALTH.cooldown_ms),
  max_cooldown_ms: v.optional(integer(1), DEFAULT_HEALTH.max_cooldown_ms),
});

export const DEFAULT_LIMITS = { max_upstream_body_mb: 64, request_body_timeout_ms: 60_000 } as const;

/** `[server.limits]`: how much ccmux buffers of an upstream answer, how long it waits for a client's body. */
export const LimitsSchema = v.object({
  max_upstream_body_mb: v.optional(integer(1, 4096), DEFAULT_LIMITS.max_upstream_body_mb),
  request_body_timeout_ms: v.optional(integer(1), DEFAULT_LIMITS.request_body_timeout_ms),
});

export const ServerSchema = v.object({
  host: v.optional(nonEmptyString, "127.0.0.1"),
  port: v.optional(integer(0, 65_535), DEFAULT_PORT),
  api_key: v.optional(v.string()),
  admin_token: v.optional(v.string()),
  /** A bearer token that opens GET /metrics (only) to a scraper that is not on this machine's loopback. */
  metrics_token: v.optional(v.string()),
  log_level: v.optional(v.string(), "info"),
  timeouts: v.optional(TimeoutsSchema, {}),
  health: v.optional(HealthSchema, {}),
  limits: v.optional(LimitsSchema, {}),
});

export const DEFAULT_RETENTION_DAYS = 90;

export const UsageSchema = v.object({
  enabled: v.optional(v.boolean(), true),
  retention_days: v.optional(integer(1, 36_500), DEFAULT_RETENTION_DAYS),
});

const perMillion = v.pipe(
  v.number(),
  v.minValue(0, (issue) => `expected a price of at least 0, got ${showValue(issue.input)}`),
);

export const PriceSchema = v.object({
  input: perMillion,
  output: perMillion,
  cache_read: v.optional(perMillion, 0),
  cache_write: v.optional(perMillion, 0),
});

export const RouterSchema = v.object({
  default: v.string(),
  background: v.optional(v.string()),
  think: v.optional(v.string()),
  websearch: v.optional(v.string()),
  long_context: v.optional(v.string()),
  long_context_threshold: v.optional(integer(0), 60_000),
  image: v.optional(v.string()),
  auto_map_regex: v.optional(v.string()),
  background_regex: v.optional(v.string()),
  think_efforts: v.optional(v.array(v.string())),
  order: v.optional(oneOf(["claude-code", "claude-code-mux"] as const)),
});

export const POOL_STRATEGIES = ["fill-first", "round-robin", "least-used"] as const;

/** One subscription or key of a provider's pool: an OAuth token id or an api_key. */
export const AccountSchema = v.object({
  name: v.optional(v.string()),
  oauth_provider: v.optional(v.string()),
  api_key: v.optional(v.string()),
  weight: v.optional(integer(1, 1000), 1),
  enabled: v.optional(v.boolean(), true),
});

const fraction = v.pipe(
  v.number(),
  v.minValue(0, (issue) => `expected 0..1, got ${showValue(issue.input)}`),
  v.maxValue(1, (issue) => `expected 0..1, got ${showValue(issue.input)}`),
);

export const ERROR_ACTIONS = ["stop", "next_account", "next_provider"] as const;

/** `[[providers.error_rules]]`: which upstream errors do what; the first match wins. */
export const ErrorRuleSchema = v.object({
  status: v.optional(integer(100, 599)),
  body: v.optional(v.string()),
  regex: v.optional(v.string()),
  action: v.optional(oneOf(ERROR_ACTIONS)),
  /** Parks the account (or provider) for this long, e.g. "90s", "10m", "2h", then tries the next. */
  cooldown: v.optional(v.string()),
});

export const ProviderSchema = v.object({
  name: nonEmptyString,
  provider_type: oneOf(PROVIDER_TYPES),
  auth_type: v.optional(oneOf(AUTH_TYPE_SPELLINGS)),
  api_key: v.optional(v.string()),
  oauth_provider: v.optional(v.string()),
  project_id: v.optional(v.string()),
  location: v.optional(v.string()),
  base_url: v.optional(v.string()),
  headers: v.optional(v.record(v.string(), v.string()), {}),
  drop_headers: v.optional(v.array(v.string())),
  allowed_betas: v.optional(v.array(v.string())),
  drop_body_fields: v.optional(v.array(v.string())),
  models: v.optional(v.array(v.string()), []),
  text_only_models: v.optional(v.array(v.string())),
  enabled: v.optional(v.boolean(), true),
  accounts: v.optional(v.array(AccountSchema)),
  strategy: v.optional(oneOf(POOL_STRATEGIES)),
  /** A session's pinned account sheds it once its tightest window is this full. */
  shed_utilization: v.optional(fraction),
  session_ttl_s: v.optional(integer(1)),
  wait_for_reset_max_s: v.optional(integer(0, 3600)),
  error_rules: v.optional(v.array(ErrorRuleSchema)),
});

export const MappingSchema = v.object({
  priority: integer(0),
  provider: nonEmptyString,
  actual_model: nonEmptyString,
});

export const ModelSchema = v.object({
  name: nonEmptyString,
  mappings: v.optional(v.array(MappingSchema), []),
});

/** The whole config.toml document, after env expansion. Unknown keys are dropped here and warned about separately. */
export const ConfigDocumentSchema = v.object({
  server: v.optional(ServerSchema, {}),
  router: RouterSchema,
  providers: v.optional(v.array(ProviderSchema), []),
  models: v.optional(v.array(ModelSchema), []),
  /** Upstream model id → context window in tokens; overrides the shipped table. */
  context_windows: v.optional(v.record(v.string(), integer(1))),
  /** Upstream model id → most output tokens per answer; overrides the shipped table. */
  output_limits: v.optional(v.record(v.string(), integer(1))),
  usage: v.optional(UsageSchema, {}),
  /** USD per million tokens by model id, over the prices shipped in the binary. */
  prices: v.optional(v.record(v.string(), PriceSchema), {}),
});

export type ConfigDocument = v.InferOutput<typeof ConfigDocumentSchema>;
export type ProviderDocument = v.InferOutput<typeof ProviderSchema>;
export type ErrorRuleDocument = v.InferOutput<typeof ErrorRuleSchema>;
export type AccountDocument = v.InferOutput<typeof AccountSchema>;
export type ModelDocument = v.InferOutput<typeof ModelSchema>;
