import { join } from "node:path";
import { stateDir, type Env } from "../config/paths.ts";
import { runtime } from "../runtime/index.ts";
import { probeHealth, type Health } from "./health.ts";

/** What `ccmux start` records once its server answers /health. */
export interface PidRecord {
  pid: number;
  url: string;
  config: string;
  started_at: string;
}

export function pidFilePath(env: Env): string {
  return join(stateDir(env), "ccmux.pid");
}

/** The record, or "corrupt" for a file that is not one (claude-code-mux's bare pid included). */
export async function readPidFile(path: string): Promise<PidRecord | "corrupt" | undefined> {
  const text = await runtime.readText(path);
  if (text === undefined) return undefined;
  try {
    const record = JSON.parse(text) as PidRecord;
    const ok = Number.isInteger(record.pid) && record.pid > 0 && typeof record.url === "string";
    return ok ? record : "corrupt";
  } catch {
    return "corrupt";
  }
}

export async function writePidFile(path: string, record: PidRecord): Promise<void> {
  await runtime.writeFileAtomic(path, `${JSON.stringify(record)}\n`, { mode: 0o644, dirMode: 0o700 });
}

/** Removes the file only while it still names `pid`: never another instance's. */
export async function removePidFileIf(path: string, pid: number | "corrupt"): Promise<void> {
  const current = await readPidFile(path);
  const named = current === "corrupt" ? "corrupt" : current?.pid;
  if (named === pid) await runtime.remove(path);
}

export type Verdict = { state: "running"; health?: Health } | { state: "stale"; why: string };

const CCMUX_COMMAND = /ccmux|main\.ts/;

/** Is the recorded process really this ccmux? A pid is never trusted on its own: pids get reused. */
export async function inspectPid(record: PidRecord): Promise<Verdict> {
  if (!runtime.processAlive(record.pid)) return { state: "stale", why: `process ${record.pid} is gone` };
  const health = await probeHealth(record.url);
  if (health?.pid === record.pid) return { state: "running", health };
  const command = await runtime.processCommand(record.pid);
  if (command !== undefined && CCMUX_COMMAND.test(command) && /\bserve\b/.test(command)) return { state: "running" };
  const owner = command === undefined ? "cannot be confirmed as ccmux" : `is now "${command.slice(0, 80)}"`;
  return { state: "stale", why: `process ${record.pid} ${owner} and no ccmux with that pid answers on ${record.url}` };
}
