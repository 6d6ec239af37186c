// The benchmark's result, as JSON and as Markdown tables.
import { cpus, loadavg, release } from "node:os";
import { readFileSync } from "node:fs";
import type { Goal } from "./goals.ts";
import type { LatencyResult } from "./latency.ts";
import type { OpenStreamsResult, SoakResult } from "./memory.ts";
import type { StartupResult, StatuslineTiming } from "./startup.ts";
import type { ThroughputResult } from "./throughput.ts";
import type { TranslationResult } from "./translate-rate.ts";
import type { UsageCostResult } from "./usage-cost.ts";
import type { BodySizeResult } from "./body-size.ts";

export interface Machine {
  cpu: string;
  cores: number;
  os: string;
  bun: string;
  ccmux: string;
  date: string;
  /** 1-minute load average when the run started: other work on the machine shows up here. */
  load: number;
}

export interface Report {
  mode: "full" | "quick" | "usage" | "body" | "startup" | "throughput";
  machine: Machine;
  /** One row per case; `result` absent when this build cannot serve it. */
  latency: { case: string; result?: LatencyResult }[];
  throughput: ThroughputResult[];
  /** The same throughput rows from a native load generator (wrk), or why they were skipped. */
  nativeThroughput?: { tool: string; rows: ThroughputResult[] } | { skipped: string };
  translation?: TranslationResult[];
  memory?: {
    idleMb: number;
    idleAfterMb?: number;
    open?: OpenStreamsResult;
    stall?: OpenStreamsResult;
    soak?: SoakResult;
  };
  startup?: StartupResult;
  usage?: UsageCostResult;
  bodySize?: BodySizeResult;
  goals: Goal[];
  quick?: { threshold: number; pass: boolean; failures: string[] };
}

export function machineInfo(ccmuxVersion: string): Machine {
  const model =
    /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model ?? "unknown";
  return {
    cpu: model.trim(),
    cores: cpus().length,
    os: `${process.platform} ${release()}`,
    bun: Bun.version,
    ccmux: ccmuxVersion,
    date: new Date().toISOString(),
    load: loadavg()[0]!,
  };
}

const f3 = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? "–" : n.toFixed(3));
const int = (n: number) => Math.round(n).toLocaleString("en-US");
const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
const NA = "n/a (not supported by this build)";

function table(head: string[], rows: (string | number)[][]): string {
  return [row(head), row(head.map(() => "---")), ...rows.map(row)].join("\n");
}

function latencyTable(rows: Report["latency"]): string {
  const head = [
    "Case",
    "direct p50",
    "baseline p50",
    "ccmux p50",
    "added p50 baseline",
    "added p50 ccmux",
    "ratio",
    "added p99 baseline",
    "added p99 ccmux",
    "ccmux Server-Timing p50",
  ];
  return table(
    head,
    rows.map(({ case: name, result: r }) =>
      r
        ? [
            name,
            f3(r.targets.direct.p50),
            f3(r.targets.baseline.p50),
            f3(r.targets.ccmux.p50),
            f3(r.added.baseline.p50),
            f3(r.added.ccmux.p50),
            `${r.ratio.toFixed(2)}×`,
            f3(r.added.baseline.p99),
            f3(r.added.ccmux.p99),
            f3(r.serverTimingP50),
          ]
        : [name, NA, "", "", "", "", "", "", "", ""],
    ),
  );
}

function throughputTable(rows: ThroughputResult[]): string {
  return table(
    ["Case", "connections", "direct req/s", "baseline req/s", "ccmux req/s", "ccmux / baseline", "errors (d/b/c)"],
    rows.map((t) => [
      t.case,
      t.conns,
      int(t.rps.direct),
      int(t.rps.baseline),
      int(t.rps.ccmux),
      `${t.ratio.toFixed(2)}×`,
      `${t.errors.direct}/${t.errors.baseline}/${t.errors.ccmux}`,
    ]),
  );
}

/** wrk's rows, and each ccmux / baseline ratio beside the Bun client's from the same run. */
function nativeThroughputParts(n: NonNullable<Report["nativeThroughput"]>, bun: ThroughputResult[]): string[] {
  const head = "#### Throughput (load generator: wrk)";
  if ("skipped" in n) return [head, `Skipped: ${n.skipped}.`];
  const key = (t: ThroughputResult) => `${t.case}/${t.conns}`;
  const byKey = new Map(bun.map((t) => [key(t), t]));
  const side = table(
    [
      "Case",
      "connections",
      "ccmux / baseline, Bun fetch",
      "ccmux / baseline, wrk",
      "ccmux req/s, Bun fetch",
      "ccmux req/s, wrk",
    ],
    n.rows.map((t) => {
      const b = byKey.get(key(t));
      return [
        t.case,
        t.conns,
        b ? `${b.ratio.toFixed(2)}×` : "–",
        `${t.ratio.toFixed(2)}×`,
        b ? int(b.rps.ccmux) : "–",
        int(t.rps.ccmux),
      ];
    }),
  );
  return [head, `${n.tool}; the same cases, rounds and targets as above.`, throughputTable(n.rows), side];
}

function translationTable(rows: TranslationResult[] | undefined): string {
  if (!rows) return table(["Input", "events/s"], [["OpenAI Chat → Anthropic", NA]]);
  return table(
    ["Input", "chunks", "events out", "events/s"],
    rows.map((t) => [t.name, t.chunksPerPass, t.eventsPerPass, int(t.eventsPerSec)]),
  );
}

function memoryTable(m: Report["memory"]): string {
  if (!m) return "not measured";
  const rows: (string | number)[][] = [["idle, just started", m.idleMb.toFixed(1)]];
  if (m.open) rows.push([`${m.open.streams} open slow streams (peak)`, m.open.peakRssMb.toFixed(1)]);
  if (m.stall)
    rows.push([
      `${m.stall.streams} open slow streams (peak; ${m.stall.completed} completed, longest gap ${m.stall.maxGapMs.toFixed(0)} ms)`,
      m.stall.peakRssMb.toFixed(1),
    ]);
  for (const c of m.soak?.rssMb ?? [])
    rows.push([c.after ? `after ${int(c.after)} requests` : "before the request run", c.mb.toFixed(1)]);
  if (m.idleAfterMb !== undefined) rows.push(["idle again after the run", m.idleAfterMb.toFixed(1)]);
  return table(["ccmux state", "RSS MB"], rows);
}

function statuslineRows(s: StartupResult): string[][] {
  const st = s.statusline;
  if (!st) return [];
  const cell = (t: StatuslineTiming) => `${f3(t.wallMs)} (CPU ${f3(t.cpuMs)})`;
  return [
    [`ccmux statusline, ccmux running (median of ${st.runs})`, cell(st.running)],
    [`ccmux statusline, ccmux not running (median of ${st.runs})`, cell(st.stopped)],
  ];
}

function startupTable(s: StartupResult): string {
  return table(
    ["Command", "ms"],
    [["ccmux --version", f3(s.versionMs)], ["ccmux serve → /health 200", f3(s.serveReadyMs)], ...statuslineRows(s)],
  );
}

function goalsTable(goals: Goal[]): string {
  return table(
    ["Goal (issue 7 §3)", "measured", "met"],
    goals.map((g) => [g.goal, g.measured, g.met === undefined ? "–" : g.met ? "yes" : "**no**"]),
  );
}

const DIALECT_LABEL = { anthropic: "pass-through", openai: "translation" };

function bodySizeTables(b: BodySizeResult): string {
  const size = (bytes: number) =>
    bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const rows = b.rows.map((r) => [DIALECT_LABEL[r.dialect], size(r.bytes), f3(r.baseline), f3(r.ccmux)]);
  const slopes = b.slopes.map((x) => [
    DIALECT_LABEL[x.dialect],
    int(x.baselineUsPerMb),
    int(x.ccmuxUsPerMb),
    `${(x.ccmuxUsPerMb / x.baselineUsPerMb).toFixed(2)}×`,
  ]);
  const parts = [
    table(["Case", "body", "added p50 baseline (ms)", "added p50 ccmux (ms)"], rows),
    table(["Case", "baseline slope (µs/MB)", "ccmux slope (µs/MB)", "ratio"], slopes),
  ];
  if (b.peak) {
    const p = b.peak;
    parts.push(
      table(
        ["16 concurrent 4 MB requests", "MB"],
        [
          ["RSS idle", f3(p.idleMb)],
          ["RSS peak", f3(p.peakMb)],
          ["RSS 2 s after", f3(p.afterMb)],
          ["bytes in flight", f3(p.inFlightMb)],
        ],
      ),
    );
  }
  return parts.join("\n\n");
}

function usageTable(u: UsageCostResult): string {
  const rows = u.rows.map((x) => [
    x.case,
    f3(x.off.p50),
    f3(x.on.p50),
    f3(x.on.p50 - x.off.p50),
    f3(x.off.p99),
    f3(x.on.p99),
  ]);
  const head = ["Case", "added p50, off", "added p50, on", "on − off", "added p99, off", "added p99, on"];
  return `${table(head, rows)}\n\n${int(u.recorded)} usage rows recorded by the ccmux with recording on.`;
}

export function toMarkdown(r: Report): string {
  const m = r.machine;
  const parts = [
    `### ccmux benchmark (${r.mode})`,
    `${m.cpu}, ${m.cores} cores, ${m.os}, Bun ${m.bun}, ccmux ${m.ccmux}, ${m.date}, load average ${m.load.toFixed(2)} at start`,
  ];
  if (r.latency.length)
    parts.push("#### Latency at 1 connection (ms; added = over direct-to-upstream)", latencyTable(r.latency));
  if (r.throughput.length) parts.push("#### Throughput (load generator: Bun fetch)", throughputTable(r.throughput));
  if (r.nativeThroughput) parts.push(...nativeThroughputParts(r.nativeThroughput, r.throughput));
  if (r.mode === "full") {
    parts.push(
      "#### Stream translation, in-process",
      translationTable(r.translation),
      "#### Memory",
      memoryTable(r.memory),
    );
  }
  if (r.startup) parts.push(`#### Start-up (median of ${r.startup.runs} runs)`, startupTable(r.startup));
  if (r.mode === "full") parts.push("#### Goals", goalsTable(r.goals));
  if (r.bodySize) parts.push("#### Added latency vs body size (JSON, 1 connection)", bodySizeTables(r.bodySize));
  if (r.usage) parts.push("#### Usage recording on vs off (added ms over direct-to-upstream)", usageTable(r.usage));
  if (r.quick)
    parts.push(
      `Regression guard: ccmux added p50 ≤ ${r.quick.threshold}× baseline's → ${r.quick.pass ? "PASS" : `FAIL (${r.quick.failures.join("; ")})`}`,
    );
  return `${parts.join("\n\n")}\n`;
}
