// Requests per second at many connections, rounds alternating between the targets.
import { load, TARGETS, type Endpoint, type TargetName } from "./client.ts";
import { median, roundOrder } from "./stats.ts";

export interface ThroughputCase {
  name: string;
  stream: boolean;
  conns: number;
  endpoints: Record<TargetName, Endpoint>;
}

export interface ThroughputPlan {
  rounds: number;
  durationMs: number;
  warmupMs: number;
}

export interface ThroughputResult {
  case: string;
  conns: number;
  /** Median requests/s over rounds. */
  rps: Record<TargetName, number>;
  errors: Record<TargetName, number>;
  /** ccmux over baseline. */
  ratio: number;
}

/** A load generator: `conns` concurrent request loops for `durationMs`. Bun's fetch (client.ts) or wrk. */
export type LoadFn = typeof load;

export async function measureThroughput(
  c: ThroughputCase,
  plan: ThroughputPlan,
  loadFn: LoadFn = load,
): Promise<ThroughputResult> {
  for (const t of TARGETS) await loadFn(c.endpoints[t], c.stream, c.conns, plan.warmupMs);
  const samples: Record<TargetName, number[]> = { direct: [], baseline: [], ccmux: [] };
  const errors: Record<TargetName, number> = { direct: 0, baseline: 0, ccmux: 0 };
  for (let r = 0; r < plan.rounds; r++) {
    for (const t of roundOrder(TARGETS, r)) {
      const res = await loadFn(c.endpoints[t], c.stream, c.conns, plan.durationMs);
      samples[t].push(res.rps);
      errors[t] += res.errors;
    }
  }
  const rps = Object.fromEntries(TARGETS.map((t) => [t, median(samples[t])])) as Record<TargetName, number>;
  return { case: c.name, conns: c.conns, rps, errors, ratio: rps.ccmux / rps.baseline };
}
