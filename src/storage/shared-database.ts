import type { Database } from "../runtime/index.ts";
import type { Logger } from "../util/log.ts";

/**
 * The one SQLite file of a running server, shared by every feature that keeps state in it (usage
 * history, account state). A damaged, locked or unwritable file never reaches a request: `use`
 * catches the failure, logs it once, and answers undefined until the file works again.
 */
export interface SharedDatabase {
  readonly path: string;
  /** Runs `fn` on the open database; undefined while the database is unavailable. */
  use<T>(fn: (db: Database) => T): T | undefined;
  /** False after a failure, until a later `use` succeeds. */
  readonly available: boolean;
  close(): void;
}

export interface SharedDatabaseOptions {
  path: string;
  open: (path: string) => Database;
  log: Logger;
  /** Run on every (re)open, in order: `CREATE TABLE IF NOT EXISTS …` and the like. */
  setup: ((db: Database) => void)[];
  /** After a failure, the file is left alone this long before it is tried again. Default 10 s. */
  retryMs?: number;
}

const PRAGMAS = ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA busy_timeout = 0"];

/** SQLITE_BUSY / SQLITE_LOCKED: someone else holds the file; the handle stays good. */
function isLocked(err: unknown): boolean {
  return /locked|busy/i.test(err instanceof Error ? `${err.message} ${(err as { code?: string }).code ?? ""}` : "");
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createSharedDatabase(opts: SharedDatabaseOptions): SharedDatabase {
  const retryMs = opts.retryMs ?? 10_000;
  let db: Database | undefined;
  let failedAt: number | undefined;

  function openNow(): Database {
    const fresh = opts.open(opts.path);
    try {
      for (const pragma of PRAGMAS) fresh.exec(pragma);
      for (const setup of opts.setup) setup(fresh);
    } catch (err) {
      fresh.close();
      throw err;
    }
    return fresh;
  }

  function failed(err: unknown): undefined {
    if (failedAt === undefined) {
      opts.log.warn(
        `database ${opts.path} is unavailable (${describe(err)}); what it records is skipped until it works again`,
      );
    }
    failedAt = performance.now();
    if (!isLocked(err)) {
      try {
        db?.close();
      } catch {
        // already unusable
      }
      db = undefined;
    }
    return undefined;
  }

  return {
    path: opts.path,
    get available() {
      return failedAt === undefined;
    },
    use(fn) {
      if (failedAt !== undefined && performance.now() - failedAt < retryMs) return undefined;
      try {
        db ??= openNow();
        const result = fn(db);
        if (failedAt !== undefined) opts.log.info(`database ${opts.path} works again`);
        failedAt = undefined;
        return result;
      } catch (err) {
        return failed(err);
      }
    },
    close() {
      db?.close();
      db = undefined;
    },
  };
}
