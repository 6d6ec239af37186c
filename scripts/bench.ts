#!/usr/bin/env bun
// Side-by-side benchmark: direct-to-upstream vs a bare Bun + Hono forwarder vs dist/ccmux.
//   bun run bench                   full run, Markdown on stdout (progress on stderr)
//   bun run bench --json [FILE]     the same as JSON, on stdout or into FILE
//   bun run bench --quick           CI guard (< 60 s): exits 1 if ccmux adds > 3× the baseline's latency
//   bun run bench --usage           only usage recording on vs off (added latency of each)
//   bun run bench --body            only added latency vs body size (1 KB to 4 MB) and peak RSS with 16 × 4 MB
//   bun run bench --throughput      only throughput, from Bun's fetch and from wrk (installed with apt-get if missing)
//   bun run bench --startup         only start-up: --version, serve ready, statusline (ccmux running and not)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../package.json" with { type: "json" };
import { send } from "./bench/client.ts";
import { endpoints, type Urls } from "./bench/cases.ts";
import { nativeThroughput, runFull, runQuick, throughputRows, type FullRunOptions } from "./bench/runs.ts";
import { measureUsageCost } from "./bench/usage-cost.ts";
import { measureBodySize } from "./bench/body-size.ts";
import { measureStartup } from "./bench/startup.ts";
import { ensureBuilt, spawnAnnouncing, startCcmux, type CcmuxProcess, type Child } from "./bench/procs.ts";
import { machineInfo, toMarkdown, type Report } from "./bench/report.ts";

const log = (msg: string) => console.error(`[bench] ${msg}`);

interface Args {
  quick: boolean;
  usage: boolean;
  body: boolean;
  startup: boolean;
  throughput: boolean;
  json: boolean;
  jsonPath?: string;
}

function parseArgs(argv: string[]): Args {
  const i = argv.indexOf("--json");
  const next = i >= 0 ? argv[i + 1] : undefined;
  return {
    quick: argv.includes("--quick"),
    usage: argv.includes("--usage"),
    body: argv.includes("--body"),
    startup: argv.includes("--startup"),
    throughput: argv.includes("--throughput"),
    json: i >= 0,
    jsonPath: next && !next.startsWith("--") ? next : undefined,
  };
}

/** ccmux with the OpenAI-compatible provider when this build accepts it and answers through it. */
async function startCcmuxDetecting(dir: string, upstream: string): Promise<{ ccmux: CcmuxProcess; openai: boolean }> {
  try {
    const ccmux = await startCcmux(dir, { upstream, openai: true, logLevel: "info" });
    const probe = endpoints({ direct: upstream, baseline: upstream, ccmux: ccmux.url }, "openai", "small", false).ccmux;
    const ok = await send(probe, false).then(
      () => true,
      () => false,
    );
    return { ccmux, openai: ok };
  } catch {
    log("this build does not accept an openai-compatible provider: OpenAI rows are n/a");
    return { ccmux: await startCcmux(dir, { upstream, openai: false, logLevel: "info" }), openai: false };
  }
}

/** The full run, or one of its parts alone. */
async function runMode(args: Args, o: FullRunOptions): Promise<Report> {
  const bare = { machine: o.machine, latency: [], throughput: [], goals: [] };
  if (args.quick) return runQuick(o.urls, o.machine, o.log);
  if (args.usage) return { ...bare, mode: "usage", usage: await measureUsageCost(o.urls, o.dir, o.log) };
  if (args.body) return { ...bare, mode: "body", bodySize: await measureBodySize(o.urls, o) };
  if (args.throughput) {
    const throughput = await throughputRows(o.urls, o.log);
    return { ...bare, mode: "throughput", throughput, nativeThroughput: await nativeThroughput(o.urls, o.dir, o.log) };
  }
  if (args.startup) return { ...bare, mode: "startup", startup: await measureStartup(10, o.urls.direct, o.urls.ccmux) };
  return runFull(o);
}

async function main(): Promise<number> {
  const args = parseArgs(Bun.argv.slice(2));
  await ensureBuilt(log);
  const dir = mkdtempSync(join(tmpdir(), "ccmux-bench-"));
  const children: Child[] = [];
  try {
    const fake = await spawnAnnouncing("scripts/bench/fake-upstream.ts", [], join(dir, "fake.log"));
    children.push(fake);
    const baseline = await spawnAnnouncing("scripts/baseline-proxy.ts", [fake.url], join(dir, "baseline.log"));
    children.push(baseline);
    const { ccmux, openai } =
      args.quick || args.usage || args.startup
        ? { ccmux: await startCcmux(dir, { upstream: fake.url, openai: false, logLevel: "info" }), openai: false }
        : await startCcmuxDetecting(dir, fake.url);
    children.push(ccmux);
    const urls: Urls = { direct: fake.url, baseline: baseline.url, ccmux: ccmux.url };
    const machine = machineInfo(pkg.version);
    const report = await runMode(args, { urls, dir, ccmux, openai, machine, log });
    if (args.json && !args.jsonPath) console.log(JSON.stringify(report, null, 2));
    else console.log(toMarkdown(report));
    if (args.jsonPath) writeFileSync(args.jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    return report.quick && !report.quick.pass ? 1 : 0;
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main().catch((err) => {
  console.error(`[bench] failed: ${(err as Error).stack ?? err}`);
  return 1;
});
