// A process's resident memory: /proc/PID/status (VmRSS) on Linux, `ps -o rss=` elsewhere.
import { existsSync, readFileSync } from "node:fs";

export function rssMb(pid: number): number {
  const status = `/proc/${pid}/status`;
  if (existsSync(status)) {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(status, "utf8"));
    if (m) return Number(m[1]) / 1024;
  }
  const ps = Bun.spawnSync(["ps", "-o", "rss=", "-p", String(pid)]);
  const kb = Number(new TextDecoder().decode(ps.stdout).trim());
  if (!Number.isFinite(kb) || kb <= 0) throw new Error(`cannot read the RSS of pid ${pid}`);
  return kb / 1024;
}

/** Samples RSS every `everyMs` between start() and stop(), which returns the peak. */
export class Sampler {
  private peak = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly pid: number,
    private readonly everyMs = 250,
  ) {}

  now(): number {
    const mb = rssMb(this.pid);
    this.peak = Math.max(this.peak, mb);
    return mb;
  }

  start(): void {
    this.timer = setInterval(() => this.now(), this.everyMs);
  }

  stop(): number {
    clearInterval(this.timer);
    this.now();
    return this.peak;
  }
}
