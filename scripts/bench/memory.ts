// ccmux's resident memory: idle, with many slow streams open, and across a long run of requests.
import { REQUEST_HEADERS, send, type Endpoint } from "./client.ts";
import { rssMb } from "./procs.ts";

export interface OpenStreamsResult {
  streams: number;
  completed: number;
  /** Longest pause between two chunks of one stream, over all streams (upstream sends one every 100 ms). */
  maxGapMs: number;
  peakRssMb: number;
}

async function slowStream(ep: Endpoint, deadline: number): Promise<{ ok: boolean; maxGap: number }> {
  const res = await fetch(ep.url, {
    method: "POST",
    headers: REQUEST_HEADERS,
    body: ep.body,
    signal: AbortSignal.timeout(Math.max(1, deadline - performance.now())),
  });
  if (res.status !== 200 || !res.body) return { ok: false, maxGap: 0 };
  const reader = res.body.getReader();
  let last = performance.now();
  let maxGap = 0;
  let text = "";
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    text += new TextDecoder().decode(r.value);
  }
  return { ok: text.includes("message_stop"), maxGap };
}

/** Opens `n` slow streams at once through ccmux, samples its RSS while they run. */
export async function openStreams(
  ep: Endpoint,
  n: number,
  pid: number,
  timeoutMs = 30_000,
): Promise<OpenStreamsResult> {
  const deadline = performance.now() + timeoutMs;
  let peak = rssMb(pid);
  let running = true;
  const sampler = (async () => {
    while (running) {
      peak = Math.max(peak, rssMb(pid));
      await Bun.sleep(50);
    }
  })();
  const results = await Promise.all(
    Array.from({ length: n }, () => slowStream(ep, deadline).catch(() => ({ ok: false, maxGap: 0 }))),
  );
  running = false;
  await sampler;
  return {
    streams: n,
    completed: results.filter((r) => r.ok).length,
    maxGapMs: Math.max(...results.map((r) => r.maxGap)),
    peakRssMb: peak,
  };
}

export interface SoakResult {
  requests: number;
  errors: number;
  /** RSS after each checkpoint, in MB. */
  rssMb: { after: number; mb: number }[];
  seconds: number;
}

/** `total` requests at `conns` connections, RSS read at every `every` requests; bounded by `timeoutMs`. */
export async function soak(
  ep: Endpoint,
  pid: number,
  total: number,
  every: number,
  conns = 32,
  timeoutMs = 180_000,
): Promise<SoakResult> {
  const start = performance.now();
  const checkpoints: { after: number; mb: number }[] = [{ after: 0, mb: rssMb(pid) }];
  let issued = 0;
  let done = 0;
  let errors = 0;
  const worker = async () => {
    while (issued < total && performance.now() - start < timeoutMs) {
      issued++;
      await send(ep, false).catch(() => errors++);
      done++;
      if (done % every === 0) checkpoints.push({ after: done, mb: rssMb(pid) });
    }
  };
  await Promise.all(Array.from({ length: conns }, worker));
  return { requests: done, errors, rssMb: checkpoints, seconds: (performance.now() - start) / 1000 };
}
