import type { ProviderConfig } from "../config/types.ts";
import { healthKey, type ProviderHealth } from "../providers/health.ts";
import { localDay } from "./account-state.ts";
import type { AccountPools } from "./pools.ts";

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);

/** One account as `ccmux status`, `GET /api/status` and the page show it. Never its key or token. */
export interface AccountStatus {
  name: string;
  kind: "oauth" | "api_key";
  /** The token id (never the token) or the key's `$VAR` reference. */
  credential: string | null;
  weight: number;
  /** ok; limited (quota spent, until `until`); cooling (errors, until `until`); probing; disabled. */
  state: "ok" | "limited" | "cooling" | "probing" | "disabled";
  until: string | null;
  reason: string | null;
  /** The service's last verdict (`anthropic-ratelimit-unified-status`), when it sends one. */
  quota_status: string | null;
  windows: { name: string; utilization: number; resets_at: string | null }[];
  requests_today: number;
  input_tokens_today: number;
  output_tokens_today: number;
  sessions: number;
}

function stateOf(
  enabled: boolean,
  limitedUntil: number,
  probing: boolean,
  health: ReturnType<ProviderHealth["snapshot"]>,
  now: number,
): Pick<AccountStatus, "state" | "until" | "reason"> {
  if (!enabled) return { state: "disabled", until: null, reason: "enabled = false" };
  if (limitedUntil > now) return { state: "limited", until: iso(limitedUntil), reason: null };
  if (probing) return { state: "probing", until: null, reason: "quota reset passed; one probe request in flight" };
  if (health.state === "cooldown") return { state: "cooling", until: health.cooldown_until, reason: health.last_error };
  return { state: "ok", until: null, reason: null };
}

export function accountStatuses(p: ProviderConfig, pools: AccountPools, health: ProviderHealth): AccountStatus[] {
  const now = pools.now();
  const sessions = pools.affinity.counts(now);
  const today = localDay(now);
  return (p.accounts ?? []).map((a) => {
    const key = healthKey(p.name, a.name);
    const s = pools.peek(key);
    const state = stateOf(a.enabled, s?.limited_until ?? 0, s?.probing ?? false, health.snapshot(key), now);
    if (state.state === "limited") state.reason = s?.cause ?? null;
    const counted = s?.day === today ? s : undefined;
    return {
      name: a.name,
      kind: a.oauth_provider ? "oauth" : "api_key",
      credential: a.oauth_provider ?? (a.api_key_ref?.includes("$") ? a.api_key_ref : null),
      weight: a.weight,
      ...state,
      quota_status: s?.status ?? null,
      windows: (s?.windows ?? []).map((w) => ({
        name: w.name,
        utilization: w.utilization,
        resets_at: iso(w.resets_at),
      })),
      requests_today: counted?.requests ?? 0,
      input_tokens_today: counted?.input_tokens ?? 0,
      output_tokens_today: counted?.output_tokens ?? 0,
      sessions: sessions.get(key) ?? 0,
    };
  });
}
