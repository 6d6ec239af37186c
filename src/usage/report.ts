import type { Database } from "../runtime/index.ts";
import { RequestError } from "../util/errors.ts";
import type { PriceBook } from "./prices.ts";
import { overallLatency, queryUsage, totalOf, USAGE_GROUPINGS, type UsageGrouping, type UsageRow } from "./query.ts";

/** What `ccmux usage --json` prints and `GET /api/usage` answers. */
export interface UsageReport {
  /** ISO time of the window's start. */
  since: string;
  by: UsageGrouping;
  rows: UsageRow[];
  total: UsageRow;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Local midnight of the day `now` falls in. */
export function startOfToday(now = Date.now()): number {
  const day = new Date(now);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

/** "7d", "24h", "30m", "2w", "today", or a date ("2026-12-01"): the epoch ms it means. */
export function parseSince(text: string, now = Date.now()): number {
  if (text.trim() === "today") return startOfToday(now);
  const relative = /^(\d+)([mhdw])$/.exec(text.trim());
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2]!]!;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00`) : new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    throw new RequestError(`since must be like 7d, 24h, 30m, 2w, today or a date (2026-12-01), not "${text}"`);
  }
  return date.getTime();
}

export function parseGrouping(text: string): UsageGrouping {
  if ((USAGE_GROUPINGS as readonly string[]).includes(text)) return text as UsageGrouping;
  throw new RequestError(`by must be one of ${USAGE_GROUPINGS.join(", ")}, not "${text}"`);
}

export function usageReport(db: Database, q: { since: number; by: UsageGrouping; prices: PriceBook }): UsageReport {
  const rows = queryUsage(db, q);
  const total = { ...totalOf(rows), ...overallLatency(db, q.since) };
  return { since: new Date(q.since).toISOString(), by: q.by, rows, total };
}
