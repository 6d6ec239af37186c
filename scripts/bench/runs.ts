// The two run plans: the full benchmark, and the quick CI guard.
import { endpoints, latencyCase, slowStreamEndpoint, type Dialect, type Size, type Urls } from "./cases.ts";
import { evaluateGoals } from "./goals.ts";
import { measureLatency, type LatencyPlan, type LatencyResult } from "./latency.ts";
import { openStreams, soak } from "./memory.ts";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { rssMb, startCcmux, type CcmuxProcess } from "./procs.ts";
import type { Machine, Report } from "./report.ts";
import { measureStartup } from "./startup.ts";
import { measureThroughput, type LoadFn, type ThroughputResult } from "./throughput.ts";
import { findOrInstallWrk, wrkLoader } from "./native-load.ts";
import { measureTranslation } from "./translate-rate.ts";
import { measureUsageCost } from "./usage-cost.ts";
import { measureBodySize } from "./body-size.ts";

type Log = (msg: string) => void;

const FULL_LATENCY: LatencyPlan = { rounds: 8, perRound: 250, warmup: 300, budgetMs: 40_000 };
const QUICK_LATENCY: LatencyPlan = { rounds: 15, perRound: 200, warmup: 300, budgetMs: 15_000 };
const QUICK_ATTEMPTS = 5;
export const QUICK_THRESHOLD = 3;

export interface FullRunOptions {
  urls: Urls;
  /** Scratch directory; the memory measurements start their own ccmux under it. */
  dir: string;
  ccmux: CcmuxProcess;
  openai: boolean;
  machine: Machine;
  log: Log;
}

async function latencyRows(urls: Urls, openai: boolean, log: Log): Promise<Report["latency"]> {
  const rows: Report["latency"] = [];
  for (const dialect of ["anthropic", "openai"] as Dialect[]) {
    for (const stream of [false, true]) {
      for (const size of ["small", "120KB"] as Size[]) {
        const c = latencyCase(urls, dialect, size, stream);
        if (dialect === "openai" && !openai) {
          rows.push({ case: c.name });
          continue;
        }
        log(`latency: ${c.name}`);
        rows.push({ case: c.name, result: await measureLatency(c, FULL_LATENCY) });
      }
    }
  }
  return rows;
}

/** Pass-through JSON and SSE at two loads; translated SSE (one typed pipeline per chunk) at one. */
const THROUGHPUT_CASES: { name: string; dialect: Dialect; stream: boolean; conns: number[] }[] = [
  { name: "Anthropic JSON, small", dialect: "anthropic", stream: false, conns: [32, 128] },
  { name: "Anthropic SSE, 200 events", dialect: "anthropic", stream: true, conns: [32, 128] },
  { name: "OpenAI translation SSE, 200 events", dialect: "openai", stream: true, conns: [32] },
];

export async function throughputRows(
  urls: Urls,
  log: Log,
  loader?: { name: string; load: LoadFn },
): Promise<ThroughputResult[]> {
  const rows: ThroughputResult[] = [];
  for (const c of THROUGHPUT_CASES) {
    for (const conns of c.conns) {
      log(`throughput${loader ? ` (${loader.name})` : ""}: ${c.name} at ${conns} connections`);
      const eps = endpoints(urls, c.dialect, "small", c.stream);
      rows.push(
        await measureThroughput(
          { name: c.name, stream: c.stream, conns, endpoints: eps },
          { rounds: 3, durationMs: 2500, warmupMs: 800 },
          loader?.load,
        ),
      );
    }
  }
  return rows;
}

/** The same throughput rows from wrk, or why they are skipped. */
export async function nativeThroughput(
  urls: Urls,
  dir: string,
  log: Log,
): Promise<NonNullable<Report["nativeThroughput"]>> {
  const wrk = findOrInstallWrk(log);
  if ("skipped" in wrk) {
    log(`throughput (wrk): skipped, ${wrk.skipped}`);
    return { skipped: wrk.skipped };
  }
  return {
    tool: `${wrk.version}, 1 thread`,
    rows: await throughputRows(urls, log, { name: "wrk", load: wrkLoader(wrk.path, dir) }),
  };
}

/** On a fresh ccmux, so earlier phases' heap growth does not count: idle, open streams, 100,000 requests. */
async function memoryFigures(o: FullRunOptions): Promise<NonNullable<Report["memory"]>> {
  const dir = join(o.dir, "memory");
  mkdirSync(dir, { recursive: true });
  const fresh = await startCcmux(dir, { upstream: o.urls.direct, openai: false, logLevel: "info" });
  try {
    await Bun.sleep(500);
    const idleMb = rssMb(fresh.pid);
    const slow = slowStreamEndpoint(fresh.url);
    o.log("memory: 100 open slow streams");
    const open = await openStreams(slow, 100, fresh.pid);
    o.log("streams: 200 open slow streams, checking for stalls");
    const stall = await openStreams(slow, 200, fresh.pid);
    o.log("memory: 100,000 requests (RSS after 50,000, trend over the next 50,000)");
    const soakRun = await soak(
      endpoints({ ...o.urls, ccmux: fresh.url }, "anthropic", "small", false).ccmux,
      fresh.pid,
      100_000,
      10_000,
    );
    await Bun.sleep(2000);
    return { idleMb, idleAfterMb: rssMb(fresh.pid), open, stall, soak: soakRun };
  } finally {
    await fresh.stop();
  }
}

export async function runFull(o: FullRunOptions): Promise<Report> {
  const latency = await latencyRows(o.urls, o.openai, o.log);
  const throughput = await throughputRows(o.urls, o.log);
  const nativeThroughputResult = await nativeThroughput(o.urls, o.dir, o.log);
  o.log("stream translation rate");
  const translation = await measureTranslation(1000);
  const memory = await memoryFigures(o);
  o.log("start-up");
  const startup = await measureStartup(10, o.urls.direct, o.urls.ccmux);
  const usage = await measureUsageCost(o.urls, o.dir, o.log);
  const bodySize = await measureBodySize(o.urls, o);
  const goals = evaluateGoals({
    latency: latency.map((r) => r.result),
    throughput,
    nativeThroughput: "rows" in nativeThroughputResult ? nativeThroughputResult.rows : undefined,
    translation,
    idleMb: memory.idleMb,
    open: memory.open,
    stall: memory.stall,
    soak: memory.soak,
    startup,
  });
  return {
    mode: "full",
    machine: o.machine,
    latency,
    throughput,
    nativeThroughput: nativeThroughputResult,
    translation,
    memory,
    startup,
    usage,
    bodySize,
    goals,
  };
}

function failures(rows: LatencyResult[]): string[] {
  return rows.filter((r) => r.ratio > QUICK_THRESHOLD).map((r) => `${r.case}: ${r.ratio.toFixed(2)}×`);
}

/**
 * Added p50 for the small and the 120 KB pass-through request. A noisy machine can spoil one
 * measurement, so a failing one is measured again (QUICK_ATTEMPTS in all); a real regression
 * fails every time.
 */
export async function runQuick(urls: Urls, machine: Machine, log: Log): Promise<Report> {
  const cases = (["small", "120KB"] as Size[]).map((size) => latencyCase(urls, "anthropic", size, false));
  const rows: LatencyResult[] = [];
  for (const c of cases) {
    log(`quick: ${c.name}`);
    let r = await measureLatency(c, QUICK_LATENCY);
    for (let attempt = 2; attempt <= QUICK_ATTEMPTS && r.ratio > QUICK_THRESHOLD; attempt++) {
      log(`quick: ${c.name} at ${r.ratio.toFixed(2)}×, measuring again (${attempt}/${QUICK_ATTEMPTS})`);
      r = await measureLatency(c, QUICK_LATENCY);
    }
    rows.push(r);
  }
  const failed = failures(rows);
  return {
    mode: "quick",
    machine,
    latency: rows.map((r) => ({ case: r.case, result: r })),
    throughput: [],
    goals: evaluateGoals({ latency: rows, throughput: [] }),
    quick: { threshold: QUICK_THRESHOLD, pass: failed.length === 0, failures: failed },
  };
}
