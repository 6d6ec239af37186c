// Bun's allocator (mimalloc) gives freed memory back to the OS 100 ms after it is freed (its
// `purge_delay`). Every large request makes body-sized buffers (the body read, its text, the JSON
// sent upstream) that the next request needs again; given back after 100 ms, each of their pages
// faults in afresh: at 4 MB ~1,000 faults per buffer, about half of ccmux's added latency on a
// 2-core VM (BENCHMARKS.md, "Where the time per MB goes"). A second keeps them for the next request
// and still returns a burst's memory soon after it.

/** The allocator settings `ccmux serve` runs with; mimalloc reads them once, when the process starts. */
export const ALLOCATOR_ENV: Readonly<Record<string, string>> = { MIMALLOC_PURGE_DELAY: "1000" };

type Env = Record<string, string | undefined>;

/** `env` plus the allocator settings it does not set itself (the user's own value wins). */
export function withAllocatorEnv(env: Env): Env {
  const out: Env = { ...env };
  for (const [name, value] of Object.entries(ALLOCATOR_ENV)) out[name] ??= value;
  return out;
}

/** Whether every allocator setting is already in `env` (a set one, even the user's own, is never replaced). */
export function hasAllocatorEnv(env: Env): boolean {
  return Object.keys(ALLOCATOR_ENV).every((name) => env[name] !== undefined);
}

type Execve = (file: string, args: string[], env: Env) => never;

/**
 * Restarts this process in place (same pid, same open files) with the allocator settings, when
 * they are missing and the runtime can: Bun's `process.execve`, not on Windows. `self` gives the
 * command that runs ccmux (the binary, or Bun and the script); `args` follow it. Returns when it
 * does not restart.
 */
export function reexecWithAllocatorEnv(self: () => string[], args: string[], env: Env = process.env): void {
  const execve = (process as { execve?: Execve }).execve;
  if (hasAllocatorEnv(env) || typeof execve !== "function" || process.platform === "win32") return;
  if (!process.versions.bun) return;
  const command = self();
  execve(command[0]!, [...command, ...args], withAllocatorEnv(env));
}
