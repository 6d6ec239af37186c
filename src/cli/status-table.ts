import type { AccountStatus } from "../pool/account-status.ts";
import { compactCount } from "../usage/format.ts";
import type { UsageRow } from "../usage/query.ts";
import { table } from "../util/cli.ts";

/** A provider as /api/status lists it (older servers may leave fields out). */
export interface ProviderStatus {
  name: string;
  enabled?: boolean;
  state?: string;
  cooldown_until?: string | null;
  last_error?: string | null;
  accounts?: AccountStatus[];
}

export type TokensToday = Pick<UsageRow, "inputTokens" | "outputTokens" | "cacheReadTokens">;

const HEADER = ["PROVIDER", "STATE", "COOLDOWN", "LAST ERROR", "TOKENS TODAY (in / out / cached)"];
const LAST_ERROR_WIDTH = 60;

/** "42s", "3m 05s", "1h 02m"; "-" when nothing is pending. */
export function remaining(until: string | null | undefined, now: number): string {
  const ms = until ? Date.parse(until) - now : Number.NaN;
  if (!(ms > 0)) return "-";
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

function oneLine(text: string | null | undefined): string {
  if (!text) return "-";
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > LAST_ERROR_WIDTH ? `${flat.slice(0, LAST_ERROR_WIDTH - 1)}…` : flat;
}

function tokens(t: TokensToday | undefined): string {
  if (!t) return "-";
  return `${compactCount(t.inputTokens)} / ${compactCount(t.outputTokens)} / ${compactCount(t.cacheReadTokens)}`;
}

function accountRow(provider: string, a: AccountStatus, now: number): string[] {
  const shown = `${compactCount(a.input_tokens_today)} / ${compactCount(a.output_tokens_today)} / -`;
  return [`  ${provider}#${a.name}`, a.state, remaining(a.until, now), oneLine(a.reason), shown];
}

/** The provider table of `ccmux status`: one row per provider, then one per pool account. */
export function providerTable(
  providers: readonly ProviderStatus[],
  usage: ReadonlyMap<string, TokensToday>,
  now: number,
): string[] {
  const rows = providers.flatMap((p) => {
    const state = p.enabled === false ? "disabled" : (p.state ?? "?");
    const head = [p.name, state, remaining(p.cooldown_until, now), oneLine(p.last_error), tokens(usage.get(p.name))];
    return [head, ...(p.accounts ?? []).map((a) => accountRow(p.name, a, now))];
  });
  return table([HEADER, ...rows]);
}

/** Today's tokens by provider from GET /api/usage?by=provider. */
export function usageByProvider(report: Record<string, unknown> | undefined): Map<string, TokensToday> {
  const rows = Array.isArray(report?.rows) ? (report.rows as UsageRow[]) : [];
  return new Map(rows.map((r) => [r.key, r]));
}
