// Issue 7 §3: the goals the harness checks, each against this run's figures.
import type { LatencyResult } from "./latency.ts";
import type { OpenStreamsResult, SoakResult } from "./memory.ts";
import type { StartupResult } from "./startup.ts";
import type { ThroughputResult } from "./throughput.ts";
import type { TranslationResult } from "./translate-rate.ts";

export interface Goal {
  goal: string;
  measured: string;
  /** undefined: not measured in this run (or not supported by this build). */
  met?: boolean;
}

export interface GoalInputs {
  latency: (LatencyResult | undefined)[];
  throughput: ThroughputResult[];
  /** The same rows from wrk, when it ran. */
  nativeThroughput?: ThroughputResult[];
  translation?: TranslationResult[];
  idleMb?: number;
  open?: OpenStreamsResult;
  stall?: OpenStreamsResult;
  soak?: SoakResult;
  startup?: StartupResult;
}

const ms = (n: number) => `${n.toFixed(3)} ms`;

function find(rows: (LatencyResult | undefined)[], name: string): LatencyResult | undefined {
  return rows.find((r) => r?.case === name);
}

function ratioGoal(r: LatencyResult | undefined, max: number, label: string): Goal {
  const goal = `${label}: added p50 ≤ ${max}× baseline's`;
  if (!r) return { goal, measured: "n/a (not supported by this build)" };
  return {
    goal,
    measured: `${r.ratio.toFixed(2)}× (${ms(r.added.ccmux.p50)} vs ${ms(r.added.baseline.p50)})`,
    met: r.ratio <= max,
  };
}

function latencyGoals(rows: (LatencyResult | undefined)[]): Goal[] {
  const large = find(rows, "Anthropic pass-through, JSON, 120KB");
  const openai = find(rows, "OpenAI translation, JSON, 120KB");
  const measured = rows.filter((r): r is LatencyResult => r !== undefined);
  const worstP99 = Math.max(...measured.map((r) => r.added.ccmux.p99));
  const streams = measured.filter((r) => r.stream);
  const worstTtfe = Math.max(...streams.map((r) => r.added.ccmux.p50));
  return [
    ratioGoal(large, 1.5, "120 KB, Anthropic pass-through"),
    ratioGoal(openai, 2, "120 KB, OpenAI translation"),
    { goal: "added p99 < 1 ms at 1 connection (worst case)", measured: ms(worstP99), met: worstP99 < 1 },
    {
      goal: "added time to first event < 1 ms (worst p50)",
      measured: ms(worstTtfe),
      met: streams.length ? worstTtfe < 1 : undefined,
    },
  ];
}

const GROWTH_TOLERANCE_MB = 5;

/** RSS growth over the second half of the request run: after 50,000 requests, over the next 50,000. */
function rssGrowth(soak: SoakResult | undefined): { mid: number; growth: number } | undefined {
  const points = soak?.rssMb ?? [];
  const last = points[points.length - 1];
  const mid = last && points.find((c) => c.after >= last.after / 2 && c.after > 0);
  if (!last || !mid || mid === last) return undefined;
  return { mid: mid.mb, growth: last.mb - mid.mb };
}

function throughputGoal(rows: ThroughputResult[] | undefined, client: string): Goal {
  const t32 = rows?.filter((t) => t.conns === 32) ?? [];
  const worst = Math.min(...t32.map((t) => t.ratio));
  return {
    goal: `throughput ≥ 0.8× baseline at 32 connections (${client})`,
    measured: t32.length ? `${worst.toFixed(2)}× (worst of JSON, SSE)` : "not run",
    met: t32.length ? worst >= 0.8 : undefined,
  };
}

function otherGoals(g: GoalInputs): Goal[] {
  const tr = g.translation?.filter((t) => !t.name.includes("pipeline"));
  const worstTr = tr?.length ? Math.min(...tr.map((t) => t.eventsPerSec)) : undefined;
  const growth = rssGrowth(g.soak);
  return [
    {
      goal: "≥ 200 concurrent streams, none stalled",
      measured: g.stall
        ? `${g.stall.completed}/${g.stall.streams} completed, longest gap ${g.stall.maxGapMs.toFixed(0)} ms (upstream: 100 ms)`
        : "not run",
      met: g.stall ? g.stall.completed === g.stall.streams && g.stall.maxGapMs < 1000 : undefined,
    },
    throughputGoal(g.throughput, "Bun fetch"),
    throughputGoal(g.nativeThroughput, "wrk"),
    {
      goal: "stream translation ≥ 300,000 events/s",
      measured:
        worstTr === undefined
          ? "n/a (not supported by this build)"
          : `${Math.round(worstTr).toLocaleString("en-US")} events/s (slowest fixture)`,
      met: worstTr === undefined ? undefined : worstTr >= 300_000,
    },
    {
      goal: "RSS ≤ 50 MB idle",
      measured: g.idleMb === undefined ? "not run" : `${g.idleMb.toFixed(1)} MB`,
      met: g.idleMb === undefined ? undefined : g.idleMb <= 50,
    },
    {
      goal: "RSS ≤ 120 MB with 100 open streams",
      measured: g.open ? `${g.open.peakRssMb.toFixed(1)} MB` : "not run",
      met: g.open ? g.open.peakRssMb <= 120 : undefined,
    },
    {
      goal: "no RSS growth trend after 50,000 requests",
      measured:
        growth === undefined
          ? "not run"
          : `${growth.mid.toFixed(1)} MB after 50,000; ${growth.growth >= 0 ? "+" : ""}${growth.growth.toFixed(1)} MB over the next 50,000`,
      met: growth === undefined ? undefined : growth.growth < GROWTH_TOLERANCE_MB,
    },
    {
      goal: "`--version` ≤ 20 ms",
      measured: g.startup ? ms(g.startup.versionMs) : "not run",
      met: g.startup ? g.startup.versionMs <= 20 : undefined,
    },
    {
      goal: "`serve` ready ≤ 100 ms",
      measured: g.startup ? ms(g.startup.serveReadyMs) : "not run",
      met: g.startup ? g.startup.serveReadyMs <= 100 : undefined,
    },
    statuslineGoal(g.startup),
  ];
}

/** Issue 16: the slower of ccmux running and not running, wall time (the machine's load shows in it). */
function statuslineGoal(startup: StartupResult | undefined): Goal {
  const s = startup?.statusline;
  if (!s) return { goal: "`statusline` < 50 ms (issue 16)", measured: "not run", met: undefined };
  const worst = Math.max(s.running.wallMs, s.stopped.wallMs);
  return {
    goal: "`statusline` < 50 ms (issue 16)",
    measured: `${ms(worst)} (slower of running / not running; CPU ${ms(Math.max(s.running.cpuMs, s.stopped.cpuMs))})`,
    met: worst < 50,
  };
}

export function evaluateGoals(g: GoalInputs): Goal[] {
  return [...latencyGoals(g.latency), ...otherGoals(g)];
}
