import type { UsageReport } from "./report.ts";
import type { UsageRow } from "./query.ts";

/** 950, 12.3k, 4.5M: token counts at a glance. */
export function compactCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 2 : 1)}M`;
}

export function formatUsd(usd: number): string {
  return usd < 0.01 && usd > 0 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** "$1.23", "subscription", "$1.23 + subscription", "?" (no price known), with "+?" when some model has no price. */
export function costText(row: UsageRow): string {
  const unknown = row.unpriced.length > 0;
  const paid = row.requests - row.subscriptionRequests;
  const parts: string[] = [];
  if (row.costUsd !== null) parts.push(`${formatUsd(row.costUsd)}${unknown ? "+?" : ""}`);
  else if (paid > 0) parts.push("?");
  if (row.subscriptionRequests > 0) parts.push("subscription");
  return parts.join(" + ") || "$0.00";
}

function ms(value: number | null): string {
  return value === null ? "-" : `${Math.round(value)} ms`;
}

const HEADERS = ["requests", "errors", "input", "output", "cache read", "cache write", "p50", "p95", "cost"];

function cells(row: UsageRow): string[] {
  return [
    row.key || "(none)",
    String(row.requests),
    String(row.errors),
    compactCount(row.inputTokens),
    compactCount(row.outputTokens),
    compactCount(row.cacheReadTokens),
    compactCount(row.cacheWriteTokens),
    ms(row.p50Ms),
    ms(row.p95Ms),
    costText(row),
  ];
}

/** The report as an aligned text table: one line per group, then the total. */
export function usageTable(report: UsageReport): string[] {
  const table = [[report.by, ...HEADERS], ...report.rows.map(cells), cells(report.total)];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i === 0 || i === r.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  const lines = table.map(line);
  lines.splice(lines.length - 1, 0, "-".repeat(lines[0]!.length));
  return lines;
}
