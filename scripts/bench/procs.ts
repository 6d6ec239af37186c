// The processes under test: the fake upstream, the baseline proxy and the compiled ccmux.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../../test/helpers/spawn.ts";

export const ROOT = join(import.meta.dir, "../..");
export const CCMUX_BIN = join(ROOT, "dist/ccmux");
const READY_TIMEOUT_MS = 15_000;

export interface Child {
  proc: Bun.Subprocess;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function stopProc(proc: Bun.Subprocess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill("SIGKILL"), 3000);
  await proc.exited;
  clearTimeout(timer);
}

function child(proc: Bun.Subprocess, url: string): Child {
  return { proc, url, pid: proc.pid, stop: () => stopProc(proc) };
}

/** Runs a Bun script that prints {"port":N} on its first stdout line. */
export async function spawnAnnouncing(script: string, args: string[], logPath: string): Promise<Child> {
  const proc = Bun.spawn([process.execPath, join(ROOT, script), ...args], {
    cwd: ROOT,
    stdin: "ignore",
    stdout: "pipe",
    stderr: Bun.file(logPath),
  });
  const reader = proc.stdout.getReader();
  const timer = setTimeout(() => proc.kill("SIGKILL"), READY_TIMEOUT_MS);
  let text = "";
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      text += new TextDecoder().decode(r.value);
      const line = text.split("\n")[0]!;
      if (text.includes("\n")) return child(proc, `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`);
    }
    throw new Error(`${script} exited before announcing its port; see ${logPath}`);
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}

/** Polls GET /health until 200; bounded by `timeoutMs`. Resolves to the time it took. */
export async function waitHealthy(
  url: string,
  proc: Bun.Subprocess,
  timeoutMs = READY_TIMEOUT_MS,
  pollMs = 20,
): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    if (proc.exitCode !== null || proc.signalCode !== null)
      throw new Error(`process exited (${proc.exitCode ?? proc.signalCode})`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - start;
    } catch {
      // not listening yet
    }
    await Bun.sleep(pollMs);
  }
  throw new Error(`${url}/health did not answer within ${timeoutMs} ms`);
}

export interface CcmuxConfigOptions {
  port: number;
  upstream: string;
  openai: boolean;
  logLevel: string;
  /** `[usage] enabled`; recording is on by default. */
  usage?: boolean;
}

/** Models: "sonnet" (and claude-* via auto-map) and "bench-slow" → Anthropic; "gpt-bench" → OpenAI-compatible. */
export function ccmuxConfig(o: CcmuxConfigOptions): string {
  const provider = (name: string, type: string, base: string) =>
    `[[providers]]\nname = "${name}"\nprovider_type = "${type}"\nbase_url = "${base}"\napi_key = "bench-key"\nmodels = []\n`;
  const model = (name: string, provider: string, actual: string) =>
    `[[models]]\nname = "${name}"\n[[models.mappings]]\npriority = 1\nprovider = "${provider}"\nactual_model = "${actual}"\n`;
  return [
    `[server]\nhost = "127.0.0.1"\nport = ${o.port}\nlog_level = "${o.logLevel}"\n`,
    `[router]\ndefault = "sonnet"\n`,
    ...(o.usage === false ? ["[usage]\nenabled = false\n"] : []),
    provider("bench-anthropic", "anthropic", o.upstream),
    model("sonnet", "bench-anthropic", "claude-sonnet-4-6"),
    model("bench-slow", "bench-anthropic", "bench-slow-model"),
    ...(o.openai
      ? [
          provider("bench-openai", "openai-compatible", `${o.upstream}/v1`),
          model("gpt-bench", "bench-openai", "gpt-4.1"),
        ]
      : []),
  ].join("\n");
}

export interface CcmuxProcess extends Child {
  port: number;
}

/** Starts dist/ccmux with a config written to `dir`; stdout/stderr go to `dir`/ccmux.log. */
export async function startCcmux(dir: string, opts: Omit<CcmuxConfigOptions, "port">): Promise<CcmuxProcess> {
  const port = await freePort();
  const config = join(dir, "config.toml");
  writeFileSync(config, ccmuxConfig({ ...opts, port }));
  const log = Bun.file(join(dir, "ccmux.log"));
  const proc = Bun.spawn([CCMUX_BIN, "serve", "--config", config], {
    cwd: dir,
    env: { ...process.env, CCMUX_HOME: dir, NO_COLOR: "1" },
    stdin: "ignore",
    stdout: log,
    stderr: log,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(url, proc);
  } catch (err) {
    await stopProc(proc);
    throw new Error(
      `ccmux did not start: ${(err as Error).message}\n${readFileSync(join(dir, "ccmux.log"), "utf8").slice(-2000)}`,
    );
  }
  return { ...child(proc, url), port };
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Builds dist/ccmux when it is missing or older than src/ or package.json. */
export async function ensureBuilt(log: (msg: string) => void): Promise<void> {
  const sources = Math.max(newestMtime(join(ROOT, "src")), statSync(join(ROOT, "package.json")).mtimeMs);
  if (existsSync(CCMUX_BIN) && statSync(CCMUX_BIN).mtimeMs >= sources) return;
  log("building dist/ccmux (missing or stale)…");
  const proc = Bun.spawn([process.execPath, "run", "build"], { cwd: ROOT, stdout: "ignore", stderr: "inherit" });
  if ((await proc.exited) !== 0) throw new Error("bun run build failed");
}

/** Resident set size in MB, from /proc/PID/status (VmRSS). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
}
