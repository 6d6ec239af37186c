import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { constants } from "node:os";
import { dirname } from "node:path";
import type { CommandResult, ProcessEnv, RunOptions } from "./types.ts";

/** Process helpers on node:child_process, which both Bun and Deno implement. */
function cleanEnv(env: ProcessEnv | undefined): Record<string, string> | undefined {
  if (!env) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

function signalExitCode(signal: NodeJS.Signals | null): number {
  const num = signal ? constants.signals[signal] : undefined;
  return num === undefined ? 1 : 128 + num;
}

export function spawnDetachedNode(
  argv: string[],
  opts: { env?: ProcessEnv; logFile: string; cwd?: string },
): Promise<number> {
  const [cmd, ...args] = argv;
  if (!cmd) return Promise.reject(new Error("spawnDetached: empty command"));
  mkdirSync(dirname(opts.logFile), { recursive: true, mode: 0o700 });
  const fd = openSync(opts.logFile, "a", 0o600);
  return new Promise((resolve, reject) => {
    try {
      const child = spawn(cmd, args, {
        detached: true,
        stdio: ["ignore", fd, fd],
        env: cleanEnv(opts.env),
        cwd: opts.cwd,
      });
      child.once("error", reject);
      child.once("spawn", () => {
        child.unref();
        resolve(child.pid ?? -1);
      });
    } catch (err) {
      reject(err);
    } finally {
      closeSync(fd);
    }
  });
}

export function runNode(argv: string[], opts: RunOptions): Promise<CommandResult> {
  const [cmd, ...args] = argv;
  if (!cmd) return Promise.reject(new Error("run: empty command"));
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: opts.stdio === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"],
      env: cleanEnv(opts.env),
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr?.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code: code ?? signalExitCode(signal), stdout, stderr }));
  });
}

/** True while a process with this pid exists, even one we may not signal (EPERM). */
export function processAliveNode(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** False when there is no such process; other failures (EPERM) throw. */
export function killNode(pid: number, signal: "SIGTERM" | "SIGKILL"): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw err;
  }
}

/** A process's command line: /proc on Linux, `ps` on other Unixes, undefined where neither answers. */
export async function processCommandNode(pid: number): Promise<string | undefined> {
  if (process.platform === "linux") {
    try {
      return (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").join(" ").trim();
    } catch {
      return undefined;
    }
  }
  if (process.platform === "win32") return undefined;
  try {
    const res = await runNode(["ps", "-o", "command=", "-p", String(pid)], { stdio: "pipe" });
    return res.code === 0 ? res.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}

export function uidNode(): number | undefined {
  return typeof process.getuid === "function" ? process.getuid() : undefined;
}

/** The Runtime members both runtimes implement through node:child_process / node:process. */
export const nodeProcessOps = {
  spawnDetached: spawnDetachedNode,
  run: runNode,
  processAlive: processAliveNode,
  kill: killNode,
  processCommand: processCommandNode,
  uid: uidNode,
};
