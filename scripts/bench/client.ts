// The load generator: Bun's fetch, which keeps connections alive and pools them per host.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export type TargetName = "direct" | "baseline" | "ccmux";
export const TARGETS: readonly TargetName[] = ["direct", "baseline", "ccmux"];

/** One POST: where it goes and the body it carries. */
export interface Endpoint {
  url: string;
  body: Uint8Array<ArrayBuffer>;
}

/** Claude Code's own request headers (fixture), so every hop handles a realistic header set. */
export const REQUEST_HEADERS: Record<string, string> = (
  JSON.parse(
    readFileSync(join(import.meta.dir, "../../test/fixtures/anthropic/request-claude-code.headers.json"), "utf8"),
  ) as {
    headers: Record<string, string>;
  }
).headers;

export interface Sample {
  /** Milliseconds to the whole JSON body, or to the first chunk of a stream. */
  ms: number;
  /** ccmux's own Server-Timing figure, when it sent one. */
  serverTiming?: number;
  /** Milliseconds to the end of the body. */
  totalMs: number;
}

const SERVER_TIMING = /ccmux;dur=([\d.]+)/;

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    /* discard */
  }
}

export async function send(ep: Endpoint, stream: boolean): Promise<Sample> {
  const t0 = performance.now();
  const res = await fetch(ep.url, { method: "POST", headers: REQUEST_HEADERS, body: ep.body });
  let ms: number;
  if (stream && res.body) {
    const reader = res.body.getReader();
    const first = await reader.read();
    ms = performance.now() - t0;
    if (!first.done) await drain(reader);
  } else {
    await res.arrayBuffer();
    ms = performance.now() - t0;
  }
  const totalMs = performance.now() - t0;
  if (res.status !== 200) throw new Error(`POST ${ep.url} → ${res.status}`);
  const st = SERVER_TIMING.exec(res.headers.get("server-timing") ?? "");
  return { ms, totalMs, serverTiming: st ? Number(st[1]) : undefined };
}

/** `conns` request loops against one endpoint until `durationMs` has passed. */
export async function load(
  ep: Endpoint,
  stream: boolean,
  conns: number,
  durationMs: number,
): Promise<{ rps: number; errors: number }> {
  const start = performance.now();
  const deadline = start + durationMs;
  let done = 0;
  let errors = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      try {
        await send(ep, stream);
        done++;
      } catch {
        errors++;
        if (errors > 1000) return;
      }
    }
  };
  await Promise.all(Array.from({ length: conns }, worker));
  return { rps: done / ((performance.now() - start) / 1000), errors };
}
