// Usage recording on vs off: two ccmux processes, alike but for `[usage] enabled`, measured in
// interleaved rounds against the same upstream. The latency machinery's "baseline" target is the
// ccmux without recording here.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { endpoints, type Size, type Urls } from "./cases.ts";
import { measureLatency, type LatencyPlan } from "./latency.ts";
import { CCMUX_BIN, startCcmux } from "./procs.ts";

export interface UsageCostRow {
  case: string;
  off: { p50: number; p99: number };
  on: { p50: number; p99: number };
}

export interface UsageCostResult {
  rows: UsageCostRow[];
  /** Usage rows the recording ccmux wrote during the run (read back with `ccmux usage --json`). */
  recorded: number;
}

const PLAN: LatencyPlan = { rounds: 8, perRound: 250, warmup: 300, budgetMs: 30_000 };

/** Requests the ccmux whose data directory is `dir` recorded in the last hour. */
function recordedRows(dir: string): number {
  const out = Bun.spawnSync([CCMUX_BIN, "usage", "--json", "--since", "1h"], {
    env: { ...process.env, CCMUX_HOME: dir },
  });
  const report = JSON.parse(out.stdout.toString()) as { total: { requests: number } | null };
  return report.total?.requests ?? 0;
}

/** `urls.ccmux` records usage (the default) and keeps its data in `dir`; a second one is started without. */
export async function measureUsageCost(urls: Urls, dir: string, log: (msg: string) => void): Promise<UsageCostResult> {
  const offDir = join(dir, "usage-off");
  mkdirSync(offDir, { recursive: true });
  const off = await startCcmux(offDir, { upstream: urls.direct, openai: false, logLevel: "info", usage: false });
  try {
    const rows: UsageCostRow[] = [];
    for (const stream of [false, true]) {
      const size: Size = "small";
      const name = `Anthropic ${stream ? "first event (stream)" : "JSON"}, ${size}`;
      log(`usage on vs off: ${name}`);
      // Anthropic requests go to /v1/messages on every target, so the baseline slot can hold a ccmux.
      const eps = endpoints({ ...urls, baseline: off.url }, "anthropic", size, stream);
      const r = await measureLatency({ name, stream, endpoints: eps }, PLAN);
      rows.push({ case: name, off: r.added.baseline, on: r.added.ccmux });
    }
    await Bun.sleep(1500); // the recorder writes once a second
    return { rows, recorded: recordedRows(dir) };
  } finally {
    await off.stop();
  }
}
