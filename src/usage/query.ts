import type { Database, SqlRow } from "../runtime/index.ts";
import { costOf, type PriceBook } from "./prices.ts";

export const USAGE_GROUPINGS = ["model", "provider", "day", "account"] as const;
export type UsageGrouping = (typeof USAGE_GROUPINGS)[number];

export interface UsageQuery {
  /** Epoch ms: rows at or after it. */
  since: number;
  by: UsageGrouping;
  prices: PriceBook;
}

export interface UsageRow {
  /** The model, provider, account, or local day (YYYY-MM-DD) of this row. */
  key: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  p50Ms: number | null;
  p95Ms: number | null;
  /** Estimated cost in USD of the requests paid per token whose model has a price; null when none has. */
  costUsd: number | null;
  /** Requests answered by a subscription (OAuth login): tokens counted, no per-token cost. */
  subscriptionRequests: number;
  /** Per-token-paid models with no known price (their cost is not in `costUsd`). */
  unpriced: string[];
}

const KEY_SQL: Record<UsageGrouping, string> = {
  model: "CASE WHEN upstream_model = '' THEN requested_model ELSE upstream_model END",
  provider: "provider",
  day: "strftime('%Y-%m-%d', time / 1000, 'unixepoch', 'localtime')",
  account: "COALESCE(account, provider)",
};

/** Rows by rowid, which only grows: `after` < rowid ≤ `upTo`. */
export interface RowRange {
  after: number;
  upTo: number;
}

const ALL_ROWS: RowRange = { after: 0, upTo: Number.MAX_SAFE_INTEGER };

function sums(db: Database, key: string, since: number, range = ALL_ROWS): SqlRow[] {
  return db
    .prepare(
      `SELECT ${key} AS key, upstream_model AS model, subscription,
        count(*) AS requests, count(error_type) AS errors,
        sum(input_tokens) AS input, sum(output_tokens) AS output,
        sum(cache_read_tokens) AS cache_read, sum(cache_write_tokens) AS cache_write
      FROM usage WHERE time >= ? AND rowid > ? AND rowid <= ? GROUP BY 1, 2, 3`,
    )
    .all(since, range.after, range.upTo);
}

/** The newest row's id (0 for an empty table). */
export function lastRowId(db: Database): number {
  return Number(db.prepare("SELECT coalesce(max(rowid), 0) AS id FROM usage").all()[0]?.id ?? 0);
}

/** Adds the rows in `range` since `since` to `total`: a running total reads only what is new. */
export function addRows(total: UsageRow, db: Database, since: number, range: RowRange, prices: PriceBook): void {
  for (const part of sums(db, KEY_SQL.model, since, range)) addPart(total, part, prices);
}

function latencies(db: Database, key: string, since: number): Map<string, number[]> {
  const rows = db.prepare(`SELECT ${key} AS key, latency_ms FROM usage WHERE time >= ? ORDER BY 1, 2`).all(since);
  const byKey = new Map<string, number[]>();
  for (const row of rows) {
    const list = byKey.get(String(row.key)) ?? [];
    list.push(Number(row.latency_ms));
    byKey.set(String(row.key), list);
  }
  return byKey;
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return Math.round(sorted[rank - 1]! * 10) / 10;
}

export function emptyRow(key: string): UsageRow {
  return {
    key,
    requests: 0,
    errors: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    p50Ms: null,
    p95Ms: null,
    costUsd: null,
    subscriptionRequests: 0,
    unpriced: [],
  };
}

function addPart(row: UsageRow, part: SqlRow, prices: PriceBook): void {
  const tokens = {
    input: Number(part.input),
    output: Number(part.output),
    cacheRead: Number(part.cache_read),
    cacheWrite: Number(part.cache_write),
  };
  const requests = Number(part.requests);
  row.requests += requests;
  row.errors += Number(part.errors);
  row.inputTokens += tokens.input;
  row.outputTokens += tokens.output;
  row.cacheReadTokens += tokens.cacheRead;
  row.cacheWriteTokens += tokens.cacheWrite;
  if (Number(part.subscription) === 1) {
    row.subscriptionRequests += requests;
    return;
  }
  const model = String(part.model);
  const cost = costOf(prices, model, tokens);
  if (cost !== undefined) row.costUsd = (row.costUsd ?? 0) + cost;
  else if (model !== "" && !row.unpriced.includes(model)) row.unpriced.push(model);
}

/**
 * Requests, tokens, errors and estimated cost per group, without latency percentiles: one aggregate
 * in SQLite, where the percentiles read every row of the window into JS (the status line wants only this).
 */
export function usageSums(db: Database, q: UsageQuery): Map<string, UsageRow> {
  const rows = new Map<string, UsageRow>();
  for (const part of sums(db, KEY_SQL[q.by], q.since)) {
    const name = String(part.key ?? "");
    const row = rows.get(name) ?? emptyRow(name);
    addPart(row, part, q.prices);
    rows.set(name, row);
  }
  return rows;
}

/** Requests, tokens, errors, latency percentiles and estimated cost per group, largest first. */
export function queryUsage(db: Database, q: UsageQuery): UsageRow[] {
  const key = KEY_SQL[q.by];
  const rows = usageSums(db, q);
  for (const [name, list] of latencies(db, key, q.since)) {
    const row = rows.get(name);
    if (!row) continue;
    row.p50Ms = percentile(list, 50);
    row.p95Ms = percentile(list, 95);
  }
  const sorted = [...rows.values()];
  if (q.by === "day") return sorted.sort((a, b) => a.key.localeCompare(b.key));
  return sorted.sort((a, b) => b.requests - a.requests || a.key.localeCompare(b.key));
}

/** The sum of several rows (latency percentiles over all of them come from `queryUsage` by the caller). */
export function totalOf(rows: UsageRow[]): UsageRow {
  const total = emptyRow("total");
  for (const row of rows) {
    total.requests += row.requests;
    total.errors += row.errors;
    total.inputTokens += row.inputTokens;
    total.outputTokens += row.outputTokens;
    total.cacheReadTokens += row.cacheReadTokens;
    total.cacheWriteTokens += row.cacheWriteTokens;
    total.subscriptionRequests += row.subscriptionRequests;
    if (row.costUsd !== null) total.costUsd = (total.costUsd ?? 0) + row.costUsd;
    for (const m of row.unpriced) if (!total.unpriced.includes(m)) total.unpriced.push(m);
  }
  return total;
}

/** All latencies in the window, for the total's percentiles. */
export function overallLatency(db: Database, since: number): { p50Ms: number | null; p95Ms: number | null } {
  const list = db
    .prepare("SELECT latency_ms FROM usage WHERE time >= ? ORDER BY 1")
    .all(since)
    .map((r) => Number(r.latency_ms));
  return { p50Ms: percentile(list, 50), p95Ms: percentile(list, 95) };
}
