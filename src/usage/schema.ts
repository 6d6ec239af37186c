import type { Database } from "../runtime/index.ts";

/** One row per finished request. Never a body: names, counts and times only. */
export function createUsageTable(db: Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS usage (
    time INTEGER NOT NULL,
    endpoint TEXT NOT NULL,
    route TEXT NOT NULL,
    requested_model TEXT NOT NULL,
    provider TEXT NOT NULL,
    account TEXT,
    upstream_model TEXT NOT NULL,
    stream INTEGER NOT NULL,
    status INTEGER NOT NULL,
    latency_ms REAL NOT NULL,
    ttft_ms REAL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cache_read_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    subscription INTEGER NOT NULL,
    client_abort INTEGER NOT NULL,
    error_type TEXT,
    session TEXT
  )`);
  db.exec("CREATE INDEX IF NOT EXISTS usage_time ON usage (time)");
  db.exec("CREATE INDEX IF NOT EXISTS usage_session ON usage (session, time) WHERE session IS NOT NULL");
}

export const INSERT_USAGE = `INSERT INTO usage (time, endpoint, route, requested_model, provider, account,
  upstream_model, stream, status, latency_ms, ttft_ms, input_tokens, output_tokens, cache_read_tokens,
  cache_write_tokens, subscription, client_abort, error_type, session)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
