import { join } from "node:path";
import { allPaths, type Env } from "../config/paths.ts";
import { runtime } from "../runtime/index.ts";
import { probeHealth, waitForHealth, type Health } from "./health.ts";
import { inspectPid, pidFilePath, readPidFile, removePidFileIf, writePidFile } from "./pid-file.ts";
import type { ServerTarget } from "./target.ts";
import { withAllocatorEnv } from "../runtime/allocator.ts";

export interface BackgroundStart {
  pid?: number;
  url: string;
  logFile: string;
  /** True when a ccmux was already answering, so nothing was started. */
  already: boolean;
  /** A stale PID file that was found and removed on the way. */
  staleRemoved?: string;
}

export function logFilePath(env: Env): string {
  return join(allPaths({ env }).logs, "ccmux.log");
}

/** What the background process itself prints outside the log (a crash of the runtime): stdout and stderr. */
export function outputFilePath(env: Env): string {
  return join(allPaths({ env }).logs, "ccmux.out");
}

async function sizeOf(path: string): Promise<number> {
  return (await runtime.fileInfo(path))?.size ?? 0;
}

/** The last lines written since `from` (a rotation in between shows the new file whole). */
async function logTail(path: string, from: number): Promise<string> {
  const read = await runtime.readFrom(path, 0);
  const bytes = read?.bytes ?? new Uint8Array();
  const text = new TextDecoder().decode(bytes.length >= from ? bytes.subarray(from) : bytes);
  return text.trim().split("\n").slice(-20).join("\n");
}

/**
 * Starts `ccmux serve` detached, waits until it answers /health with its own pid, and only
 * then writes the PID file. A server that fails to start leaves no PID file behind.
 */
export async function startBackground(target: ServerTarget, env: Env, timeoutMs = 20_000): Promise<BackgroundStart> {
  const logFile = logFilePath(env);
  const pidPath = pidFilePath(env);
  const answering = await probeHealth(target.url);
  if (answering) return { pid: answering.pid, url: target.url, logFile, already: true };
  const staleRemoved = await dropStalePidFile(pidPath);
  const outFile = outputFilePath(env);
  const [logStart, outStart] = await Promise.all([sizeOf(logFile), sizeOf(outFile)]);
  const argv = [...runtime.selfCommand(), "serve", "--config", target.configPath, "--port", String(target.port)];
  argv.push("--log-file", logFile);
  // The allocator settings in its environment from the start spare serve its restart (runtime/allocator.ts).
  const childEnv = withAllocatorEnv({ ...env, NO_COLOR: "1" });
  const pid = await runtime.spawnDetached(argv, { env: childEnv, logFile: outFile });
  const health = await waitForHealth(target.url, { pid, timeoutMs, abandon: () => !runtime.processAlive(pid) });
  if (!health) {
    const alive = runtime.processAlive(pid);
    if (alive) runtime.kill(pid, "SIGTERM");
    const why = alive ? `did not answer on ${target.url} within ${timeoutMs / 1000} s` : "exited before answering";
    const tail = [await logTail(logFile, logStart), await logTail(outFile, outStart)].filter(Boolean).join("\n");
    throw new Error(`ccmux serve ${why} (log: ${logFile})${tail ? `\n${tail}` : ""}`);
  }
  await writePidFile(pidPath, {
    pid,
    url: target.url,
    config: target.configPath,
    started_at: new Date().toISOString(),
  });
  return { pid, url: target.url, logFile, already: false, staleRemoved };
}

/** Removes a PID file whose process is not a running ccmux; returns why, when it did. */
async function dropStalePidFile(pidPath: string): Promise<string | undefined> {
  const record = await readPidFile(pidPath);
  if (record === undefined) return undefined;
  if (record === "corrupt") {
    await removePidFileIf(pidPath, "corrupt");
    return "the PID file was not readable";
  }
  const verdict = await inspectPid(record);
  if (verdict.state === "running") return undefined;
  await removePidFileIf(pidPath, record.pid);
  return verdict.why;
}

export type StopOutcome =
  | { kind: "not-running"; answering?: Health }
  | { kind: "stale"; why: string }
  | { kind: "stopped"; pid: number; forced: boolean };

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!runtime.processAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !runtime.processAlive(pid);
}

/** Stops the ccmux named by the PID file, after checking it really is one; SIGKILL after `timeoutMs`. */
export async function stopBackground(target: ServerTarget, env: Env, timeoutMs = 15_000): Promise<StopOutcome> {
  const pidPath = pidFilePath(env);
  const record = await readPidFile(pidPath);
  if (record === undefined) return { kind: "not-running", answering: await probeHealth(target.url) };
  if (record === "corrupt") {
    await removePidFileIf(pidPath, "corrupt");
    return { kind: "stale", why: "the PID file was not readable" };
  }
  const verdict = await inspectPid(record);
  if (verdict.state === "stale") {
    await removePidFileIf(pidPath, record.pid);
    return { kind: "stale", why: verdict.why };
  }
  runtime.kill(record.pid, "SIGTERM");
  let forced = false;
  if (!(await waitForExit(record.pid, timeoutMs))) {
    forced = runtime.kill(record.pid, "SIGKILL");
    await waitForExit(record.pid, 5_000);
  }
  await removePidFileIf(pidPath, record.pid);
  return { kind: "stopped", pid: record.pid, forced };
}
