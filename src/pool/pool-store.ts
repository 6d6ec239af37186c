import { Buffer } from "node:buffer";
import { join } from "node:path";
import type { Database, Runtime, SqlValue } from "../runtime/index.ts";
import type { SharedDatabase } from "../storage/shared-database.ts";
import type { AccountState } from "./account-state.ts";

/** What survives a restart: each account's quota state and the live session bindings. */
export interface PoolSnapshot {
  accounts: Record<string, AccountState & { updated_at?: number }>;
  sessions: [key: string, binding: { account: string; expires: number }][];
}

/** A probe lock older than this belongs to a process that died mid-probe. */
const PROBE_STALE_MS = 10 * 60_000;

const EMPTY: PoolSnapshot = { accounts: {}, sessions: [] };

/** The pools' tables in the server's one database (beside usage). */
export function createPoolTables(db: Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS pool_accounts (
    key TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  )`);
  db.exec(`CREATE TABLE IF NOT EXISTS pool_sessions (
    key TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    expires INTEGER NOT NULL
  )`);
}

// Newer state per account, later expiry per session: two processes sharing the file lose nothing.
const UPSERT_ACCOUNT = `INSERT INTO pool_accounts (key, state, updated_at) VALUES (?, ?, ?)
  ON CONFLICT (key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
  WHERE excluded.updated_at >= pool_accounts.updated_at`;
const UPSERT_SESSION = `INSERT INTO pool_sessions (key, account, expires) VALUES (?, ?, ?)
  ON CONFLICT (key) DO UPDATE SET account = excluded.account, expires = excluded.expires
  WHERE excluded.expires >= pool_sessions.expires`;

function parseState(text: SqlValue | undefined): (AccountState & { updated_at?: number }) | undefined {
  try {
    const state = JSON.parse(String(text)) as AccountState;
    return state && typeof state === "object" ? state : undefined;
  } catch {
    return undefined;
  }
}

function readSnapshot(db: Database, now: number): PoolSnapshot {
  const accounts: PoolSnapshot["accounts"] = {};
  for (const row of db.prepare("SELECT key, state, updated_at FROM pool_accounts").all()) {
    const state = parseState(row.state);
    if (state) accounts[String(row.key)] = { ...state, updated_at: Number(row.updated_at) };
  }
  const sessions = db
    .prepare("SELECT key, account, expires FROM pool_sessions WHERE expires > ?")
    .all(now)
    .map((row): PoolSnapshot["sessions"][number] => [
      String(row.key),
      { account: String(row.account), expires: Number(row.expires) },
    ]);
  return { accounts, sessions };
}

function writeSnapshot(db: Database, mine: PoolSnapshot, now: number): void {
  const account = db.prepare(UPSERT_ACCOUNT);
  const session = db.prepare(UPSERT_SESSION);
  db.exec("BEGIN");
  try {
    for (const [key, s] of Object.entries(mine.accounts)) {
      const { updated_at, ...state } = s;
      account.run(key, JSON.stringify({ ...state, probing: false }), updated_at ?? 0);
    }
    for (const [key, b] of mine.sessions) session.run(key, b.account, b.expires);
    db.prepare("DELETE FROM pool_sessions WHERE expires <= ?").run(now);
    db.exec("COMMIT");
  } catch (err) {
    db.exec("ROLLBACK");
    throw err;
  }
}

/**
 * The pools' state in the server's SQLite database (the data dir's ccmux.db, beside usage): read
 * at start, merged with what another ccmux process wrote on every save, off the request path. A
 * database that is unavailable reads as empty and skips saves (the shared database logs it once).
 * Probe locks are O_EXCL files, so two processes never probe one account at once.
 */
export class PoolStore {
  constructor(
    private readonly database: SharedDatabase,
    private readonly dir: string,
    private readonly runtime: Runtime,
  ) {}

  /** The state, without sessions that expired by `now` (the pools' clock). */
  async read(now: number): Promise<PoolSnapshot> {
    return this.database.use((db) => readSnapshot(db, now)) ?? EMPTY;
  }

  async write(mine: PoolSnapshot, now: number): Promise<void> {
    this.database.use((db) => writeSnapshot(db, mine, now));
  }

  private lockPath(key: string): string {
    return join(this.dir, `probe-${Buffer.from(key).toString("base64url")}.lock`);
  }

  /** True when this process may probe `key`; false while another live process holds its probe. */
  async claimProbe(key: string): Promise<boolean> {
    const path = this.lockPath(key);
    await this.runtime.mkdir(this.dir, 0o700);
    if (await this.runtime.createExclusive(path, `${this.runtime.pid()}\n`)) return true;
    const info = await this.runtime.fileInfo(path);
    if (info && Date.now() - info.mtimeMs < PROBE_STALE_MS) return false;
    await this.runtime.remove(path).catch(() => undefined);
    return this.runtime.createExclusive(path, `${this.runtime.pid()}\n`);
  }

  async releaseProbe(key: string): Promise<void> {
    await this.runtime.remove(this.lockPath(key)).catch(() => undefined);
  }
}
