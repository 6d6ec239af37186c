#!/usr/bin/env bun
// Soak test of the compiled binary: many requests, then many concurrent streams, then idle; memory must settle.
//   bun run soak                        100,000 requests (JSON and SSE, pass-through and translated) + 200 concurrent streams
//   bun run soak --requests 5000        a quick check
//   options: --requests N  --streams N  --conns N  --idle-seconds N  --max-seconds N  --no-build
// Everything runs on loopback: dist/ccmux in front of the benchmark's fake upstream (its own process).
// Exits 1 when any request failed or when RSS did not settle back after the load (see SETTLE below).
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REQUEST_HEADERS, type Endpoint } from "./bench/client.ts";
import { endpoints, slowStreamEndpoint } from "./bench/cases.ts";
import { CCMUX_BIN, ensureBuilt, spawnAnnouncing, startCcmux, type Child } from "./bench/procs.ts";
import { Sampler } from "./soak/rss.ts";

/**
 * "Settled": after the idle period RSS is at most this factor of RSS at start (before any request).
 * A leak of 200 bytes a request (20 MB over the run) would fail it.
 */
const SETTLE = 1.5;

interface Args {
  requests: number;
  streams: number;
  conns: number;
  idleSeconds: number;
  maxSeconds: number;
  build: boolean;
}

function parseArgs(argv: string[]): Args {
  const num = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    const value = i >= 0 ? Number(argv[i + 1]) : fallback;
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number`);
    return value;
  };
  return {
    requests: num("requests", 100_000),
    streams: num("streams", 200),
    conns: num("conns", 64),
    idleSeconds: num("idle-seconds", 10),
    maxSeconds: num("max-seconds", 900),
    build: !argv.includes("--no-build"),
  };
}

const log = (msg: string) => console.error(`[soak] ${msg}`);

interface Mix {
  name: string;
  ep: Endpoint;
  stream: boolean;
}

/** Anthropic pass-through and OpenAI-translated, each as JSON and as a 200-event stream. */
function mix(fake: string, ccmux: string): Mix[] {
  const urls = { direct: fake, baseline: fake, ccmux };
  const pick = (dialect: "anthropic" | "openai", stream: boolean) => endpoints(urls, dialect, "small", stream).ccmux;
  return [
    { name: "pass-through JSON", ep: pick("anthropic", false), stream: false },
    { name: "pass-through SSE", ep: pick("anthropic", true), stream: true },
    { name: "translated JSON", ep: pick("openai", false), stream: false },
    { name: "translated SSE", ep: pick("openai", true), stream: true },
  ];
}

function isMessage(text: string): boolean {
  try {
    return (JSON.parse(text) as { type?: unknown }).type === "message";
  } catch {
    return false;
  }
}

/** One request; resolves to an error description, or undefined when the answer was whole and right. */
async function one(m: Mix, signal: AbortSignal): Promise<string | undefined> {
  try {
    const res = await fetch(m.ep.url, { method: "POST", headers: REQUEST_HEADERS, body: m.ep.body, signal });
    const text = await res.text();
    if (res.status !== 200) return `${m.name}: HTTP ${res.status} ${text.slice(0, 200)}`;
    if (m.stream && !text.includes("event: message_stop")) return `${m.name}: stream ended without message_stop`;
    if (!m.stream && !isMessage(text)) return `${m.name}: not a message: ${text.slice(0, 200)}`;
    return undefined;
  } catch (err) {
    return `${m.name}: ${(err as Error).message}`;
  }
}

interface LoadResult {
  done: number;
  errors: string[];
  seconds: number;
}

async function requests(mixes: Mix[], total: number, conns: number, deadline: number): Promise<LoadResult> {
  const start = performance.now();
  const signal = AbortSignal.timeout(Math.max(1, deadline - performance.now()));
  const errors: string[] = [];
  let issued = 0;
  let done = 0;
  const worker = async () => {
    while (issued < total && !signal.aborted) {
      const m = mixes[issued++ % mixes.length]!;
      const error = await one(m, signal);
      if (error) errors.push(error);
      done++;
      if (done % 10_000 === 0) log(`${done} requests, ${errors.length} errors`);
    }
  };
  await Promise.all(Array.from({ length: conns }, worker));
  if (done < total) errors.push(`time ran out after ${done} of ${total} requests`);
  return { done, errors, seconds: (performance.now() - start) / 1000 };
}

async function streams(ccmux: string, n: number, deadline: number): Promise<LoadResult> {
  const start = performance.now();
  const signal = AbortSignal.timeout(Math.max(1, deadline - performance.now()));
  const slow: Mix = { name: "concurrent slow stream", ep: slowStreamEndpoint(ccmux), stream: true };
  const results = await Promise.all(Array.from({ length: n }, () => one(slow, signal)));
  return {
    done: n,
    errors: results.filter((e): e is string => e !== undefined),
    seconds: (performance.now() - start) / 1000,
  };
}

function summary(label: string, r: LoadResult): string {
  return `${label}: ${r.done} in ${r.seconds.toFixed(1)} s (${(r.done / r.seconds).toFixed(0)}/s), ${r.errors.length} errors`;
}

async function run(args: Args, dir: string, children: Child[]): Promise<boolean> {
  if (args.build) await ensureBuilt(log);
  if (!existsSync(CCMUX_BIN)) throw new Error(`${CCMUX_BIN} is missing: run bun run build`);
  const fake = await spawnAnnouncing("scripts/bench/fake-upstream.ts", [], join(dir, "fake.log"));
  children.push(fake);
  const ccmux = await startCcmux(dir, { upstream: fake.url, openai: true, logLevel: "warn" });
  children.push(ccmux);
  const rss = new Sampler(ccmux.pid);
  const startMb = rss.now();
  const deadline = performance.now() + args.maxSeconds * 1000;
  const mixes = mix(fake.url, ccmux.url);
  log(`ccmux pid ${ccmux.pid}, RSS ${startMb.toFixed(1)} MB at start; warming up`);
  const warm = await requests(mixes, 2000, args.conns, deadline);
  const warmMb = rss.now();
  rss.start();
  log(`warm: RSS ${warmMb.toFixed(1)} MB; ${args.requests} requests over ${args.conns} connections`);
  const load = await requests(mixes, args.requests, args.conns, deadline);
  const afterLoadMb = rss.now();
  log(`${args.streams} concurrent streams`);
  const open = await streams(ccmux.url, args.streams, deadline);
  const afterStreamsMb = rss.now();
  log(`idle for ${args.idleSeconds} s`);
  await Bun.sleep(args.idleSeconds * 1000);
  const peakMb = rss.stop();
  const endMb = rss.now();
  const healthy = (await fetch(`${ccmux.url}/health`)).status === 200;
  const errors = [...warm.errors, ...load.errors, ...open.errors];
  const settled = endMb <= startMb * SETTLE;
  console.log(
    [
      "ccmux soak (dist/ccmux, loopback, fake upstream)",
      summary("requests (JSON and SSE, pass-through and translated)", load),
      summary("concurrent streams (20 events, 100 ms apart)", open),
      `errors: ${errors.length}${errors.length ? `\n  ${[...new Set(errors)].slice(0, 10).join("\n  ")}` : ""}`,
      `RSS: start ${startMb.toFixed(1)} MB, warm ${warmMb.toFixed(1)} MB, after requests ${afterLoadMb.toFixed(1)} MB, ` +
        `after streams ${afterStreamsMb.toFixed(1)} MB, peak ${peakMb.toFixed(1)} MB, end (after ${args.idleSeconds} s idle) ${endMb.toFixed(1)} MB`,
      `settled: ${settled ? "yes" : "NO"} (end ≤ ${SETTLE} × start = ${(startMb * SETTLE).toFixed(1)} MB); /health after: ${healthy ? 200 : "FAILED"}`,
    ].join("\n"),
  );
  const logText = readFileSync(join(dir, "ccmux.log"), "utf8");
  if (/\berror\b/i.test(logText))
    log(
      `ccmux logged errors:\n${logText
        .split("\n")
        .filter((l) => /\berror\b/i.test(l))
        .slice(0, 5)
        .join("\n")}`,
    );
  return errors.length === 0 && settled && healthy;
}

async function main(): Promise<number> {
  const args = parseArgs(Bun.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), "ccmux-soak-"));
  const children: Child[] = [];
  try {
    return (await run(args, dir, children)) ? 0 : 1;
  } finally {
    for (const c of children.reverse()) await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exit(await main());
