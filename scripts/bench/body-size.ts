// Cost as contexts grow: added latency vs request body size (1 KB to 4 MB) for pass-through and
// translation beside the bare forwarder, the slope of each, and peak RSS with 16 × 4 MB in flight.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { endpointsWithBody, modelFor, type Dialect, type Urls } from "./cases.ts";
import { send } from "./client.ts";
import { measureLatency } from "./latency.ts";
import { encodeJson, largeRequest, smallRequest } from "./payloads.ts";
import { rssMb, startCcmux } from "./procs.ts";

const MB = 1024 * 1024;
const SIZES = [0, 120 * 1024, MB, 4 * MB];

export interface BodySizeRow {
  dialect: Dialect;
  bytes: number;
  /** Added p50 over direct, ms. */
  baseline: number;
  ccmux: number;
}

export interface BodySizeResult {
  rows: BodySizeRow[];
  /** Least-squares slope of added p50 against body size, µs per MB. */
  slopes: { dialect: Dialect; baselineUsPerMb: number; ccmuxUsPerMb: number }[];
  peak?: { idleMb: number; peakMb: number; afterMb: number; inFlightMb: number };
}

function requestBody(dialect: Dialect, bytes: number): Uint8Array<ArrayBuffer> {
  const model = modelFor(dialect);
  return encodeJson(bytes === 0 ? smallRequest(model, false) : largeRequest(model, false, bytes));
}

/** Fewer requests for bigger bodies, so each size takes a few seconds. */
function perRound(bytes: number): number {
  return Math.max(10, Math.min(150, Math.round((20 * MB) / Math.max(bytes, 1) / 4)));
}

function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const num = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return den === 0 ? Number.NaN : num / den;
}

async function latencyBySize(urls: Urls, dialects: Dialect[], log: (m: string) => void): Promise<BodySizeRow[]> {
  const rows: BodySizeRow[] = [];
  for (const dialect of dialects) {
    for (const size of SIZES) {
      const body = requestBody(dialect, size);
      log(`body size: ${dialect} ${(body.length / 1024).toFixed(0)} KB`);
      const n = perRound(body.length);
      const plan = { rounds: 4, perRound: n, warmup: Math.min(50, n), budgetMs: 20_000 };
      const r = await measureLatency(
        { name: "", stream: false, endpoints: endpointsWithBody(urls, dialect, body) },
        plan,
      );
      rows.push({ dialect, bytes: body.length, baseline: r.added.baseline.p50, ccmux: r.added.ccmux.p50 });
    }
  }
  return rows;
}

/** A fresh ccmux: RSS idle, at the peak of 16 concurrent 4 MB requests (sampled every 2 ms), and 2 s after. */
async function peakRss(upstream: string, dir: string): Promise<NonNullable<BodySizeResult["peak"]>> {
  const sub = join(dir, "body-size");
  mkdirSync(sub, { recursive: true });
  const fresh = await startCcmux(sub, { upstream, openai: false, logLevel: "info" });
  try {
    await Bun.sleep(500);
    const idleMb = rssMb(fresh.pid);
    const body = requestBody("anthropic", 4 * MB);
    const ep = endpointsWithBody({ direct: upstream, baseline: upstream, ccmux: fresh.url }, "anthropic", body).ccmux;
    let peakMb = idleMb;
    const sampler = setInterval(() => (peakMb = Math.max(peakMb, rssMb(fresh.pid))), 2);
    await Promise.all(Array.from({ length: 16 }, () => send(ep, false)));
    clearInterval(sampler);
    await Bun.sleep(2000);
    return { idleMb, peakMb, afterMb: rssMb(fresh.pid), inFlightMb: (16 * body.length) / MB };
  } finally {
    await fresh.stop();
  }
}

export async function measureBodySize(
  urls: Urls,
  o: { openai: boolean; dir: string; log: (m: string) => void },
): Promise<BodySizeResult> {
  const dialects: Dialect[] = o.openai ? ["anthropic", "openai"] : ["anthropic"];
  const rows = await latencyBySize(urls, dialects, o.log);
  const slopes = dialects.map((dialect) => {
    const mine = rows.filter((r) => r.dialect === dialect);
    const fit = (k: "baseline" | "ccmux") => slope(mine.map((r) => ({ x: r.bytes / MB, y: r[k] }))) * 1000;
    return { dialect, baselineUsPerMb: fit("baseline"), ccmuxUsPerMb: fit("ccmux") };
  });
  o.log("body size: peak RSS with 16 × 4 MB in flight");
  return { rows, slopes, peak: await peakRss(urls.direct, o.dir) };
}
