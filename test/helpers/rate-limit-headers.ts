// Rate-limit headers shaped as the services send them (see src/pool/rate-limit-facts.ts for the
// sources). Written out literally here, not built from ccmux's own table, so a parser that drifts
// from the wire fails these tests.

export interface UnifiedOptions {
  /** Spent fractions. */
  fiveHour: number;
  sevenDay?: number;
  /** Epoch seconds. */
  fiveHourReset: number;
  sevenDayReset?: number;
  /** Which window refused the request, if any. */
  rejected?: "5h" | "7d" | "both";
}

/** `anthropic-ratelimit-unified-*` as a Claude subscription answer carries them (success or 429). */
export function anthropicUnified(o: UnifiedOptions): Record<string, string> {
  const sevenDayReset = o.sevenDayReset ?? o.fiveHourReset + 6 * 86_400;
  const r5 = o.rejected === "5h" || o.rejected === "both";
  const r7 = o.rejected === "7d" || o.rejected === "both";
  const sevenDay = o.sevenDay ?? 0.3;
  return {
    "anthropic-ratelimit-unified-status": o.rejected ? "rejected" : o.fiveHour >= 0.8 ? "allowed_warning" : "allowed",
    "anthropic-ratelimit-unified-5h-status": r5 ? "rejected" : "allowed",
    "anthropic-ratelimit-unified-5h-utilization": String(o.fiveHour),
    "anthropic-ratelimit-unified-5h-reset": String(o.fiveHourReset),
    "anthropic-ratelimit-unified-7d-status": r7 ? "rejected" : "allowed",
    "anthropic-ratelimit-unified-7d-utilization": String(sevenDay),
    "anthropic-ratelimit-unified-7d-reset": String(sevenDayReset),
    "anthropic-ratelimit-unified-representative-claim": r7 && !r5 ? "seven_day" : "five_hour",
    "anthropic-ratelimit-unified-reset": String(r7 && !r5 ? sevenDayReset : o.fiveHourReset),
    "anthropic-ratelimit-unified-fallback-percentage": "0.5",
    "anthropic-ratelimit-unified-overage-status": "rejected",
    "anthropic-ratelimit-unified-overage-disabled-reason": "org_level_disabled",
    "request-id": "req_fake_unified",
  };
}

/** The body of a subscription's 429 when its window is spent. */
export const ANTHROPIC_LIMIT_BODY = {
  type: "error",
  error: {
    type: "rate_limit_error",
    message: "This request would exceed your account's rate limit. Please try again later.",
  },
};

/** `x-codex-*` usage headers of a ChatGPT (Codex) answer; percents 0..100, resets in epoch seconds. */
export function codexUsage(
  primaryPercent: number,
  primaryResetAt: number,
  secondaryPercent = 10,
  secondaryResetAt = primaryResetAt + 6 * 86_400,
): Record<string, string> {
  return {
    "x-codex-primary-used-percent": String(primaryPercent),
    "x-codex-primary-window-minutes": "300",
    "x-codex-primary-reset-at": String(primaryResetAt),
    "x-codex-secondary-used-percent": String(secondaryPercent),
    "x-codex-secondary-window-minutes": "10080",
    "x-codex-secondary-reset-at": String(secondaryResetAt),
    "x-codex-plan-type": "plus",
  };
}

/** Codex's 429 body when the plan's usage is spent. */
export function codexUsageLimitBody(resetsAt: number, resetsInSeconds: number) {
  return {
    error: {
      type: "usage_limit_reached",
      message: "The usage limit has been reached",
      plan_type: "plus",
      resets_at: resetsAt,
      resets_in_seconds: resetsInSeconds,
    },
  };
}
