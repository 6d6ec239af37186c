// Start-up: `ccmux --version`, and `ccmux serve` until /health answers.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../test/helpers/spawn.ts";
import { CCMUX_BIN, ccmuxConfig, stopProc, waitHealthy } from "./procs.ts";
import { median } from "./stats.ts";

/** `ccmux statusline` as Claude Code runs it: median wall time, and median CPU time (user + system). */
export interface StatuslineTiming {
  wallMs: number;
  cpuMs: number;
}

const STATUSLINE_RUNS = 50;

export interface StartupResult {
  versionMs: number;
  serveReadyMs: number;
  runs: number;
  /** Against the bench's running ccmux, and against a port where none listens. */
  statusline?: { running: StatuslineTiming; stopped: StatuslineTiming; runs: number };
}

async function versionOnce(): Promise<number> {
  const t0 = performance.now();
  const proc = Bun.spawn([CCMUX_BIN, "--version"], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  if ((await proc.exited) !== 0) throw new Error("ccmux --version failed");
  return performance.now() - t0;
}

/** Claude Code's statusLine input (the field ccmux reads, and a few others). */
const STATUSLINE_INPUT = JSON.stringify({
  session_id: "bench-session",
  cwd: "/tmp",
  model: { id: "claude-sonnet-4-6" },
});

async function statuslineOnce(baseUrl: string): Promise<StatuslineTiming> {
  const t0 = performance.now();
  const proc = Bun.spawn([CCMUX_BIN, "statusline"], {
    env: { PATH: process.env.PATH, ANTHROPIC_BASE_URL: baseUrl },
    stdin: new TextEncoder().encode(STATUSLINE_INPUT),
    stdout: "ignore",
    stderr: "ignore",
  });
  if ((await proc.exited) !== 0) throw new Error("ccmux statusline failed");
  const wallMs = performance.now() - t0;
  const cpu = proc.resourceUsage()?.cpuTime;
  return { wallMs, cpuMs: cpu ? Number(cpu.total) / 1000 : Number.NaN };
}

/** Median of `runs` after two discarded ones, taking turns between a running and a stopped ccmux. */
export async function measureStatusline(
  runs: number,
  ccmuxUrl: string,
): Promise<NonNullable<StartupResult["statusline"]>> {
  const stoppedUrl = `http://127.0.0.1:${await freePort()}`;
  const running: StatuslineTiming[] = [];
  const stopped: StatuslineTiming[] = [];
  for (let i = -2; i < runs; i++) {
    const a = await statuslineOnce(ccmuxUrl);
    const b = await statuslineOnce(stoppedUrl);
    if (i < 0) continue;
    running.push(a);
    stopped.push(b);
  }
  const med = (xs: StatuslineTiming[]) => ({
    wallMs: median(xs.map((x) => x.wallMs)),
    cpuMs: median(xs.map((x) => x.cpuMs)),
  });
  return { running: med(running), stopped: med(stopped), runs };
}

async function serveOnce(dir: string, upstream: string): Promise<number> {
  const port = await freePort();
  const config = join(dir, "config.toml");
  writeFileSync(config, ccmuxConfig({ port, upstream, openai: false, logLevel: "info" }));
  const t0 = performance.now();
  const proc = Bun.spawn([CCMUX_BIN, "serve", "--config", config], {
    cwd: dir,
    env: { ...process.env, CCMUX_HOME: dir, NO_COLOR: "1" },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "ignore",
  });
  try {
    await waitHealthy(`http://127.0.0.1:${port}`, proc, 10_000, 1);
    return performance.now() - t0;
  } finally {
    await stopProc(proc);
  }
}

/** Median of `runs` cold starts each (after one discarded run that warms the page cache). */
export async function measureStartup(runs: number, upstream: string, ccmuxUrl: string): Promise<StartupResult> {
  const dir = mkdtempSync(join(tmpdir(), "ccmux-bench-start-"));
  await versionOnce();
  await serveOnce(dir, upstream);
  const version: number[] = [];
  const serve: number[] = [];
  for (let i = 0; i < runs; i++) {
    version.push(await versionOnce());
    serve.push(await serveOnce(dir, upstream));
  }
  const statusline = await measureStatusline(STATUSLINE_RUNS, ccmuxUrl);
  return { versionMs: median(version), serveReadyMs: median(serve), runs, statusline };
}
