/**
 * What subscription services say about quota on the wire, as checked on 2026-12-05 against
 * public sources (Claude Code issue 12829; CLIProxyAPI PR 3148 and issue 5800; opencode issue
 * 49653; better-ccflare PR 236; codex-lb and CodexBar notes). Every parser in src/pool reads
 * its names from here, so a change on the wire is a change in this one file.
 */
export const RATE_LIMIT_FACTS = {
  checked: "2026-12-05",
  anthropic: {
    /** On every /v1/messages answer of a subscription (OAuth) account, success or 429 alike. */
    prefix: "anthropic-ratelimit-unified-",
    /** "allowed" | "allowed_warning" | "rejected": only "rejected" means the account is limited. */
    status: "anthropic-ratelimit-unified-status",
    /** Epoch seconds when the binding window reopens. */
    reset: "anthropic-ratelimit-unified-reset",
    /** Which window binds: "five_hour", "seven_day", "seven_day_opus", ... */
    representativeClaim: "anthropic-ratelimit-unified-representative-claim",
    /**
     * Per window `<prefix><window>-utilization` (a spent fraction 0..1, above 1 when over),
     * `-reset` (epoch seconds) and `-status`; windows seen: "5h", "7d", "7d_opus", "7d_sonnet".
     */
    windowHeader: /^anthropic-ratelimit-unified-([a-z0-9_]+)-(utilization|reset|status)$/,
    /** Also sent, informational: fallback-percentage, overage-status, overage-reset, overage-disabled-reason. */
    /** The limiter is AND-composed: with several windows rejected, the latest reset is when it reopens. */
    rejected: "rejected",
  },
  codex: {
    /**
     * ChatGPT (Codex) answers carry `x-codex-{primary,secondary}-used-percent` (0..100),
     * `-window-minutes` (300 = 5 h, 10080 = 7 d), and `-reset-at` (epoch seconds; older
     * servers send `-reset-after-seconds` instead).
     */
    windowHeader: /^x-codex-(primary|secondary)-(used-percent|window-minutes|reset-at|reset-after-seconds)$/,
    /** A spent subscription answers 429 with {"error":{"type":"usage_limit_reached","resets_at":<epoch s>,"resets_in_seconds":n}}. */
    usageLimitType: "usage_limit_reached",
  },
  /** Everything else: `retry-after` (seconds or an HTTP date), then exponential backoff. */
  retryAfter: "retry-after",
} as const;
