// Added latency at one connection: interleaved rounds against direct, baseline and ccmux.
import { send, TARGETS, type Endpoint, type Sample, type TargetName } from "./client.ts";
import { median, percentile, roundOrder } from "./stats.ts";

export interface LatencyCase {
  name: string;
  stream: boolean;
  endpoints: Record<TargetName, Endpoint>;
}

export interface LatencyPlan {
  rounds: number;
  perRound: number;
  warmup: number;
  /** Stop early (fewer samples, still a result) once this much time has passed. */
  budgetMs: number;
}

export interface TargetLatency {
  p50: number;
  p99: number;
  n: number;
}

export interface LatencyResult {
  case: string;
  stream: boolean;
  targets: Record<TargetName, TargetLatency>;
  /** Over direct: p50 is the median over rounds of each round's median difference; p99 the difference of pooled p99s. */
  added: Record<"baseline" | "ccmux", { p50: number; p99: number }>;
  /** ccmux's added p50 over the baseline's, the baseline floored at FLOOR_MS. */
  ratio: number;
  /** Median of ccmux's own Server-Timing `dur`, for the cross-check. */
  serverTimingP50?: number;
}

/** Below this the baseline's added latency is measurement noise; ratios divide by at least this. */
export const FLOOR_MS = 0.05;

async function warm(c: LatencyCase, n: number): Promise<void> {
  for (const t of TARGETS) for (let i = 0; i < n; i++) await send(c.endpoints[t], c.stream);
}

async function sampleRound(ep: Endpoint, stream: boolean, n: number, deadline: number): Promise<Sample[]> {
  const out: Sample[] = [];
  for (let i = 0; i < n && performance.now() < deadline; i++) out.push(await send(ep, stream));
  return out;
}

export async function measureLatency(c: LatencyCase, plan: LatencyPlan): Promise<LatencyResult> {
  const deadline = performance.now() + plan.budgetMs;
  await warm(c, plan.warmup);
  const rounds: Record<TargetName, Sample[][]> = { direct: [], baseline: [], ccmux: [] };
  for (let r = 0; r < plan.rounds && performance.now() < deadline; r++) {
    for (const t of roundOrder(TARGETS, r))
      rounds[t].push(await sampleRound(c.endpoints[t], c.stream, plan.perRound, deadline));
  }
  return summarize(c, rounds);
}

function summarize(c: LatencyCase, rounds: Record<TargetName, Sample[][]>): LatencyResult {
  const pooled = (t: TargetName) => rounds[t].flat().map((s) => s.ms);
  const targets = Object.fromEntries(
    TARGETS.map((t) => {
      const ms = pooled(t);
      return [t, { p50: percentile(ms, 50), p99: percentile(ms, 99), n: ms.length }];
    }),
  ) as Record<TargetName, TargetLatency>;
  const added = (t: "baseline" | "ccmux") => {
    const diffs = rounds[t].map(
      (round, r) => median(round.map((s) => s.ms)) - median((rounds.direct[r] ?? []).map((s) => s.ms)),
    );
    return { p50: median(diffs.filter(Number.isFinite)), p99: targets[t].p99 - targets.direct.p99 };
  };
  const result = { baseline: added("baseline"), ccmux: added("ccmux") };
  const timings = rounds.ccmux.flat().flatMap((s) => (s.serverTiming === undefined ? [] : [s.serverTiming]));
  return {
    case: c.name,
    stream: c.stream,
    targets,
    added: result,
    ratio: result.ccmux.p50 / Math.max(result.baseline.p50, FLOOR_MS),
    serverTimingP50: timings.length ? median(timings) : undefined,
  };
}
