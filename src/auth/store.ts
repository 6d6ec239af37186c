import { dirname } from "node:path";
import type { FileInfo, Runtime } from "../runtime/index.ts";
import { AuthError } from "../util/errors.ts";
import type { Logger } from "../util/log.ts";
import { withFileLock } from "./lock.ts";
import type { StoredToken, TokenStore } from "./types.ts";

export const TOKEN_FILE_NAME = "oauth_tokens.json";

export interface TokenStoreOptions {
  /** Path of oauth_tokens.json (usually join(dataDir(env), TOKEN_FILE_NAME)). */
  path: string;
  runtime: Runtime;
  log?: Logger;
  lockStaleMs?: number;
  lockTimeoutMs?: number;
}

type Tokens = Map<string, StoredToken>;

function corrupt(path: string, why: string): AuthError {
  return new AuthError(
    `The token file ${path} is not valid (${why}). ccmux will not overwrite it: fix it by hand, or move it away and run \`ccmux auth login\` again.`,
    500,
  );
}

/** Parses oauth_tokens.json; any shape problem is an error naming the file, never a silent reset. */
export function parseTokenFile(path: string, text: string): Tokens {
  const tokens: Tokens = new Map();
  if (!text.trim()) return tokens;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw corrupt(path, `JSON: ${(err as Error).message}`);
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) throw corrupt(path, "expected a JSON object");
  for (const [id, value] of Object.entries(data as Record<string, unknown>)) {
    if (!value || typeof value !== "object" || Array.isArray(value))
      throw corrupt(path, `entry "${id}" is not an object`);
    const entry = value as Record<string, unknown>;
    for (const key of ["access_token", "refresh_token", "expires_at"]) {
      if (typeof entry[key] !== "string") throw corrupt(path, `entry "${id}" has no string "${key}"`);
    }
    tokens.set(id, {
      ...entry,
      provider_id: typeof entry.provider_id === "string" ? entry.provider_id : id,
    } as StoredToken);
  }
  return tokens;
}

export function serializeTokens(tokens: Tokens): string {
  return `${JSON.stringify(Object.fromEntries(tokens), null, 2)}\n`;
}

async function readDisk(path: string, runtime: Runtime): Promise<{ tokens: Tokens; info: FileInfo | undefined }> {
  const info = await runtime.fileInfo(path);
  if (!info) return { tokens: new Map(), info };
  const text = await runtime.readText(path);
  return { tokens: parseTokenFile(path, text ?? ""), info };
}

async function ensureDir(path: string, runtime: Runtime, log?: Logger): Promise<void> {
  const dir = dirname(path);
  await runtime.mkdir(dir, 0o700);
  const mode = await runtime.fileMode(dir);
  if (mode !== undefined && mode & 0o077) {
    log?.warn(`The directory ${dir} is readable by other users (mode ${mode.toString(8)}); consider chmod 700.`);
  }
}

function sameFile(a: FileInfo | undefined, b: FileInfo | undefined): boolean {
  if (!a || !b) return a === b;
  return a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino;
}

/**
 * The token store. Call `reload()` (or use `openTokenStore`) before the first `get`.
 * Every change re-reads the file under a lock file, applies just that change and writes
 * atomically, so two processes never lose each other's tokens.
 */
export function createTokenStore(opts: TokenStoreOptions): TokenStore {
  const { path, runtime, log } = opts;
  const lockPath = `${path}.lock`;
  let tokens: Tokens = new Map();
  let seen: FileInfo | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  const inflight = new Map<string, Promise<unknown>>();

  const serialize = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };

  function mutate<T>(change: (fresh: Tokens) => { write: boolean; result: T }): Promise<T> {
    return serialize(async () => {
      await ensureDir(path, runtime, log);
      return withFileLock(lockPath, { runtime, staleMs: opts.lockStaleMs, timeoutMs: opts.lockTimeoutMs }, async () => {
        const fresh = await readDisk(path, runtime);
        const { write, result } = change(fresh.tokens);
        if (write) await runtime.writeFileAtomic(path, serializeTokens(fresh.tokens), { mode: 0o600, dirMode: 0o700 });
        tokens = fresh.tokens;
        seen = write ? await runtime.fileInfo(path) : fresh.info;
        return result;
      });
    });
  }

  return {
    path,
    get: (id) => tokens.get(id),
    list: () => [...tokens.values()],
    set: (token, o = {}) =>
      mutate((fresh) => {
        if (o.mustExist && !fresh.has(token.provider_id)) return { write: false, result: undefined };
        fresh.set(token.provider_id, token);
        return { write: true, result: undefined };
      }),
    delete: (id) => mutate((fresh) => ({ write: fresh.has(id), result: fresh.delete(id) })),
    async reload() {
      const info = await runtime.fileInfo(path);
      if (sameFile(info, seen) && (info || tokens.size === 0)) return;
      const fresh = await readDisk(path, runtime);
      tokens = fresh.tokens;
      seen = fresh.info;
    },
    singleFlight<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const running = inflight.get(key);
      if (running) return running as Promise<T>;
      const run = fn().finally(() => inflight.delete(key));
      inflight.set(key, run);
      return run;
    },
  };
}

/** createTokenStore + the first load (throws on a corrupt file). */
export async function openTokenStore(opts: TokenStoreOptions): Promise<TokenStore> {
  const store = createTokenStore(opts);
  await store.reload();
  return store;
}
