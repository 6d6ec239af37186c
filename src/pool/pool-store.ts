import { Buffer } from "node:buffer";
import { join } from "node:path";
import type { Runtime } from "../runtime/index.ts";
import type { AccountState } from "./account-state.ts";

/** What survives a restart: each account's quota state and the live session bindings. */
export interface PoolSnapshot {
  accounts: Record<string, AccountState & { updated_at?: number }>;
  sessions: [key: string, binding: { account: string; expires: number }][];
}

export const POOL_STATE_FILE = "pool-state.json";
/** A probe lock older than this belongs to a process that died mid-probe. */
const PROBE_STALE_MS = 10 * 60_000;

const EMPTY: PoolSnapshot = { accounts: {}, sessions: [] };

function parse(text: string | undefined): PoolSnapshot {
  if (!text) return EMPTY;
  try {
    const data = JSON.parse(text) as Partial<PoolSnapshot>;
    return { accounts: data.accounts ?? {}, sessions: Array.isArray(data.sessions) ? data.sessions : [] };
  } catch {
    return EMPTY;
  }
}

/** Newer state per account, later expiry per session: two processes writing one file lose nothing. */
export function mergeSnapshots(disk: PoolSnapshot, mine: PoolSnapshot): PoolSnapshot {
  const accounts = { ...disk.accounts };
  for (const [key, s] of Object.entries(mine.accounts))
    if ((s.updated_at ?? 0) >= (accounts[key]?.updated_at ?? 0)) accounts[key] = s;
  const sessions = new Map(disk.sessions);
  for (const [key, b] of mine.sessions) if ((sessions.get(key)?.expires ?? 0) <= b.expires) sessions.set(key, b);
  return { accounts, sessions: [...sessions] };
}

/**
 * The pools' state on disk, in the data dir beside the token store: read at start, written
 * (merged with what another ccmux process wrote) after changes, off the request path. Probe
 * locks (O_EXCL files) make sure two processes never probe one account at once.
 */
export class PoolStore {
  readonly path: string;

  constructor(
    private readonly dir: string,
    private readonly runtime: Runtime,
  ) {
    this.path = join(dir, POOL_STATE_FILE);
  }

  async read(): Promise<PoolSnapshot> {
    return parse(await this.runtime.readText(this.path).catch(() => undefined));
  }

  async write(mine: PoolSnapshot): Promise<void> {
    const merged = mergeSnapshots(await this.read(), mine);
    await this.runtime.writeFileAtomic(this.path, JSON.stringify(merged), { mode: 0o600, dirMode: 0o700 });
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
