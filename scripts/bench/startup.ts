// Start-up: `ccmux --version`, and `ccmux serve` until /health answers.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../test/helpers/spawn.ts";
import { CCMUX_BIN, ccmuxConfig, stopProc, waitHealthy } from "./procs.ts";
import { median } from "./stats.ts";

export interface StartupResult {
  versionMs: number;
  serveReadyMs: number;
  runs: number;
}

async function versionOnce(): Promise<number> {
  const t0 = performance.now();
  const proc = Bun.spawn([CCMUX_BIN, "--version"], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  if ((await proc.exited) !== 0) throw new Error("ccmux --version failed");
  return performance.now() - t0;
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
export async function measureStartup(runs: number, upstream: string): Promise<StartupResult> {
  const dir = mkdtempSync(join(tmpdir(), "ccmux-bench-start-"));
  await versionOnce();
  await serveOnce(dir, upstream);
  const version: number[] = [];
  const serve: number[] = [];
  for (let i = 0; i < runs; i++) {
    version.push(await versionOnce());
    serve.push(await serveOnce(dir, upstream));
  }
  return { versionMs: median(version), serveReadyMs: median(serve), runs };
}
