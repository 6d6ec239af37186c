import type { FinishedRequest, RequestFeed } from "../proxy/request-record.ts";
import type { Database, SqlValue } from "../runtime/index.ts";
import type { SharedDatabase } from "../storage/shared-database.ts";
import { INSERT_USAGE } from "./schema.ts";

export interface UsageSettings {
  enabled: boolean;
  retentionDays: number;
}

export interface UsageRecorderOptions {
  feed: RequestFeed;
  database: SharedDatabase;
  /** Read on every use, so a config reload applies at once. */
  settings: () => UsageSettings;
  /** How often queued rows are written. Default 1 s. */
  flushMs?: number;
  /** How often rows older than the retention are deleted. Default 1 h. */
  pruneMs?: number;
  /** Rows kept while the database is unavailable; older ones are dropped beyond this. */
  maxPending?: number;
}

export interface UsageRecorder {
  /** Writes what is queued now (also run on a timer). */
  flush(): void;
  prune(): void;
  /** Rows waiting to be written. */
  readonly pending: number;
  /** Flushes once more and stops the timers and the subscription. */
  stop(): void;
}

const DAY_MS = 86_400_000;

function rowOf(r: FinishedRequest): SqlValue[] {
  const { tokens } = r;
  return [
    r.time,
    r.endpoint,
    r.route,
    r.requestedModel,
    r.provider,
    r.account ?? null,
    r.upstreamModel,
    r.stream ? 1 : 0,
    r.status,
    Math.round(r.latencyMs * 100) / 100,
    r.ttftMs === undefined ? null : Math.round(r.ttftMs * 100) / 100,
    tokens.input,
    tokens.output,
    tokens.cacheRead,
    tokens.cacheWrite,
    r.subscription ? 1 : 0,
    r.clientAbort ? 1 : 0,
    r.errorType ?? null,
    r.session ?? null,
  ];
}

/** One transaction for the whole batch; BEGIN IMMEDIATE fails at once when another writer holds the file. */
function writeBatch(db: Database, batch: FinishedRequest[]): true {
  db.exec("BEGIN IMMEDIATE");
  try {
    const insert = db.prepare(INSERT_USAGE);
    for (const record of batch) insert.run(...rowOf(record));
    db.exec("COMMIT");
  } catch (err) {
    try {
      db.exec("ROLLBACK");
    } catch {
      // nothing was begun
    }
    throw err;
  }
  return true;
}

/**
 * Queues one row per finished request (the request path only pushes to an array) and writes them
 * in batches on a timer. While the database is unavailable rows wait, up to `maxPending`.
 */
export function startUsageRecorder(opts: UsageRecorderOptions): UsageRecorder {
  const maxPending = opts.maxPending ?? 10_000;
  let queue: FinishedRequest[] = [];
  const unsubscribe = opts.feed.subscribe((record) => {
    if (!opts.settings().enabled) return;
    if (queue.length >= maxPending) queue.shift();
    queue.push(record);
  });
  const flush = () => {
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    if (opts.database.use((db) => writeBatch(db, batch))) return;
    queue = batch.concat(queue).slice(-maxPending);
  };
  const prune = () => {
    const cutoff = Date.now() - opts.settings().retentionDays * DAY_MS;
    opts.database.use((db) => db.prepare("DELETE FROM usage WHERE time < ?").run(cutoff));
  };
  const flushTimer = setInterval(flush, opts.flushMs ?? 1000);
  const pruneTimer = setInterval(prune, opts.pruneMs ?? 3_600_000);
  prune();
  return {
    flush,
    prune,
    get pending() {
      return queue.length;
    },
    stop() {
      clearInterval(flushTimer);
      clearInterval(pruneTimer);
      unsubscribe();
      flush();
    },
  };
}

/** `[usage]` with its defaults. */
export function usageSettings(config: { usage?: { enabled: boolean; retention_days: number } }): UsageSettings {
  return { enabled: config.usage?.enabled ?? true, retentionDays: config.usage?.retention_days ?? 90 };
}
