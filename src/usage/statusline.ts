import type { FinishedRequest, RequestFeed } from "../proxy/request-record.ts";
import type { Database } from "../runtime/index.ts";
import { compactCount, costText } from "./format.ts";
import type { PriceBook } from "./prices.ts";
import { addRows, emptyRow, lastRowId, type UsageRow } from "./query.ts";
import { startOfToday } from "./report.ts";

/** Who answered a session's last request. */
export interface SessionAnswer {
  provider: string;
  account?: string;
  upstreamModel: string;
}

/** What `GET /v1/ccmux/statusline` answers; `line` is what `ccmux statusline` prints. */
export interface StatuslineAnswer {
  line: string;
  last: SessionAnswer | null;
  /** Today's (local day) figures, as `ccmux usage --since today` prints them; null without a usage history. */
  today: { tokens: number; cost: string } | null;
}

/** Sessions remembered; the oldest is forgotten first. */
const MAX_SESSIONS = 1000;

/** The last answer of each recent Claude Code session, kept from the request feed. */
export interface SessionAnswers {
  get(session: string): SessionAnswer | undefined;
  stop(): void;
}

export function trackSessionAnswers(feed: RequestFeed): SessionAnswers {
  const last = new Map<string, SessionAnswer>();
  const stop = feed.subscribe((r: FinishedRequest) => {
    if (!r.session || !r.provider || r.status >= 400) return;
    last.delete(r.session);
    last.set(r.session, { provider: r.provider, account: r.account, upstreamModel: r.upstreamModel });
    if (last.size > MAX_SESSIONS) last.delete(last.keys().next().value!);
  });
  return { get: (session) => last.get(session), stop };
}

/** Today's running total: each call reads only the rows written since the last one. */
export interface TodayTotal {
  /**
   * Today's total tokens and cost, the figures `ccmux usage --since today` prints, without its latency
   * percentiles. Summing the whole day on every call took 207 ms at 100,000 rows, and the status bar asks often.
   */
  read(db: Database, prices: PriceBook, now?: number): UsageRow;
}

export function todayTotal(): TodayTotal {
  let day = Number.NaN;
  let pricedWith: PriceBook | undefined;
  let after = 0;
  let total = emptyRow("total");
  return {
    read(db, prices, now = Date.now()) {
      const since = startOfToday(now);
      if (since !== day || prices !== pricedWith) {
        day = since;
        pricedWith = prices;
        after = 0;
        total = emptyRow("total");
      }
      const upTo = lastRowId(db);
      if (upTo > after) addRows(total, db, since, { after, upTo }, prices);
      after = upTo;
      return { ...total, unpriced: [...total.unpriced] };
    },
  };
}

function tokensOf(row: UsageRow): number {
  return row.inputTokens + row.outputTokens + row.cacheReadTokens + row.cacheWriteTokens;
}

/** "ccmux anthropic/work claude-opus-4-5 · today 1.2M tok $3.40": short enough for a status bar. */
export function statuslineAnswer(last: SessionAnswer | undefined, today: UsageRow | undefined): StatuslineAnswer {
  const parts = ["ccmux"];
  if (last) {
    const who = last.account ? `${last.provider}/${last.account}` : last.provider;
    parts.push(last.upstreamModel ? `${who} ${last.upstreamModel}` : who);
  }
  const figures = today ? { tokens: tokensOf(today), cost: costText(today) } : null;
  if (figures) parts.push(`today ${compactCount(figures.tokens)} tok ${figures.cost}`);
  return { line: parts.join(" · "), last: last ?? null, today: figures };
}
