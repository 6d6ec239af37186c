import { join } from "node:path";
import { DATABASE_FILE_NAME, dataDir, type Env } from "../config/paths.ts";
import type { Config } from "../config/types.ts";
import type { Database, Runtime } from "../runtime/index.ts";
import type { RequestFeed } from "../proxy/request-record.ts";
import { createSharedDatabase, type SharedDatabase } from "../storage/shared-database.ts";
import type { Logger } from "../util/log.ts";
import { startUsageRecorder, usageSettings, type UsageRecorder } from "./recorder.ts";
import { createUsageTable } from "./schema.ts";

export interface UsageService {
  database: SharedDatabase;
  recorder: UsageRecorder;
  /** Writes what is queued and closes the database. */
  stop(): void;
}

export interface UsageServiceOptions {
  env: Env;
  runtime: Runtime;
  log: Logger;
  feed: RequestFeed;
  /** The config serving now (it changes on reload). */
  config: () => Config;
  /** The database file; defaults to ccmux.db in the data directory. */
  path?: string;
  retryMs?: number;
  flushMs?: number;
  /** Other features' tables in the same file (the pools' state). */
  setup?: ((db: Database) => void)[];
}

/** Opens the data directory's database for `serve` and records one usage row per finished request. */
export async function startUsageService(opts: UsageServiceOptions): Promise<UsageService> {
  const dir = dataDir(opts.env);
  const path = opts.path ?? join(dir, DATABASE_FILE_NAME);
  if (!opts.path) await opts.runtime.mkdir(dir, 0o700).catch(() => undefined);
  const database = createSharedDatabase({
    path,
    open: opts.runtime.openDatabase,
    log: opts.log,
    setup: [createUsageTable, ...(opts.setup ?? [])],
    retryMs: opts.retryMs,
  });
  const recorder = startUsageRecorder({
    feed: opts.feed,
    database,
    settings: () => usageSettings(opts.config()),
    flushMs: opts.flushMs,
  });
  return {
    database,
    recorder,
    stop() {
      recorder.stop();
      database.close();
    },
  };
}
