import { tokenKind } from "./flows/index.ts";
import { expiryMs, REFRESH_WINDOW_MS } from "./refresh.ts";
import type { OAuthKind, StoredToken } from "./types.ts";

export type TokenStatus = "valid" | "expiring" | "expired" | "needs-login" | "api-key";

/** What may be shown about a token: never the token, refresh token or API key themselves. */
export interface TokenSummary {
  provider_id: string;
  kind: OAuthKind;
  expires_at: string;
  expires_in_seconds: number | null;
  is_expired: boolean;
  needs_refresh: boolean;
  status: TokenStatus;
  has_refresh_token: boolean;
  has_api_key: boolean;
  project_id?: string;
}

function statusOf(kind: OAuthKind, t: StoredToken, left: number): TokenStatus {
  if (kind === "anthropic-console" && t.api_key) return "api-key";
  if (!(left > 0)) return t.refresh_token ? "expired" : "needs-login";
  return left <= REFRESH_WINDOW_MS ? "expiring" : "valid";
}

export function describeToken(t: StoredToken, now: number): TokenSummary {
  const kind = tokenKind(t);
  const left = expiryMs(t.expires_at) - now;
  const summary: TokenSummary = {
    provider_id: t.provider_id,
    kind,
    expires_at: t.expires_at,
    expires_in_seconds: Number.isFinite(left) ? Math.round(left / 1000) : null,
    is_expired: !(left > 0),
    needs_refresh: !(left > REFRESH_WINDOW_MS),
    status: statusOf(kind, t, left),
    has_refresh_token: Boolean(t.refresh_token),
    has_api_key: Boolean(t.api_key),
  };
  if (typeof t.project_id === "string" && t.project_id) summary.project_id = t.project_id;
  return summary;
}

function span(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 90) return `${s}s`;
  if (s < 90 * 60) return `${Math.round(s / 60)}m`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

/** "in 3h", "expired 2d ago". */
export function relativeExpiry(expiresAt: string, now: number): string {
  const left = expiryMs(expiresAt) - now;
  if (!Number.isFinite(left)) return "unknown";
  return left > 0 ? `in ${span(left)}` : `expired ${span(left)} ago`;
}
