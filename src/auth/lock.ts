import type { Runtime } from "../runtime/index.ts";
import { AuthError } from "../util/errors.ts";

export interface FileLockOptions {
  runtime: Runtime;
  /** A lock older than this is assumed to belong to a crashed process and is broken. */
  staleMs?: number;
  /** Give up after this long. */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function breakIfStale(lockPath: string, runtime: Runtime, staleMs: number): Promise<void> {
  const info = await runtime.fileInfo(lockPath);
  if (!info || Date.now() - info.mtimeMs < staleMs) return;
  // Rename first so that two processes breaking the same stale lock cannot delete a fresh one.
  const aside = `${lockPath}.stale-${crypto.randomUUID()}`;
  try {
    await runtime.rename(lockPath, aside);
  } catch {
    return;
  }
  await runtime.remove(aside);
}

/**
 * Cross-process mutual exclusion through an O_EXCL lock file next to the guarded file.
 * Retries with capped exponential backoff; a lock older than `staleMs` is broken.
 */
export async function withFileLock<T>(lockPath: string, opts: FileLockOptions, fn: () => Promise<T>): Promise<T> {
  const { runtime } = opts;
  const staleMs = opts.staleMs ?? 10_000;
  const deadline = Date.now() + (opts.timeoutMs ?? staleMs + 5_000);
  let delay = 5;
  while (!(await runtime.createExclusive(lockPath, `${runtime.pid()} ${new Date().toISOString()}\n`))) {
    if (Date.now() > deadline) {
      throw new AuthError(
        `Timed out waiting for the lock ${lockPath}. If no other ccmux process is running, delete that file.`,
        500,
      );
    }
    await breakIfStale(lockPath, runtime, staleMs);
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 100);
  }
  try {
    return await fn();
  } finally {
    await runtime.remove(lockPath);
  }
}
