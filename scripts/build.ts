#!/usr/bin/env bun
// Builds the single-file `ccmux` executable with `bun build --compile`.
//   bun run build                   → dist/ccmux for this machine
//   bun run build --target T        → dist/ccmux-<os>-<arch>[.exe] for one bun target (e.g. bun-darwin-arm64)
//   bun run build --all             → every release target, .tar.xz / .zip archives and SHA256SUMS
//   --outdir DIR (default dist), --no-archive (with --all: binaries and SHA256SUMS only)
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import pkg from "../package.json" with { type: "json" };
import { tarXz, writeChecksums, zipExe } from "./archive.ts";
import { ENTRY_POINTS } from "../src/entry-points.ts";
import { writeBundleModule } from "./build-ui.ts";

const root = join(import.meta.dir, "..");

/** Every release binary: bun's target and the file name users download. */
export const RELEASE_TARGETS = [
  { target: "bun-linux-x64", name: "ccmux-linux-x64" },
  { target: "bun-linux-x64-baseline", name: "ccmux-linux-x64-baseline" },
  { target: "bun-linux-x64-musl", name: "ccmux-linux-x64-musl" },
  { target: "bun-linux-arm64", name: "ccmux-linux-arm64" },
  { target: "bun-linux-arm64-musl", name: "ccmux-linux-arm64-musl" },
  { target: "bun-darwin-x64", name: "ccmux-darwin-x64" },
  { target: "bun-darwin-arm64", name: "ccmux-darwin-arm64" },
  { target: "bun-windows-x64", name: "ccmux-windows-x64.exe" },
] as const;

export interface BuildOptions {
  target?: string;
  outfile: string;
  minify?: boolean;
  bytecode?: boolean;
}

async function bunBuild(opts: BuildOptions): Promise<{ ok: boolean; output: string }> {
  const args = [
    process.execPath,
    "build",
    "--compile",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    "--format=esm",
    "--outfile",
    opts.outfile,
  ];
  if (opts.target) args.push(`--target=${opts.target}`);
  if (opts.minify) args.push("--minify");
  if (opts.bytecode) args.push("--bytecode");
  // src/main.ts first (the binary's entry), then the modules it loads at run time (src/entry-points.ts).
  args.push(...ENTRY_POINTS.map((entry) => join(root, "src", entry)));
  const proc = Bun.spawn(args, { cwd: root, stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { ok: (await proc.exited) === 0, output: `${out}${err}`.trim() };
}

/** Compiles; when `--bytecode` is refused (it is not supported everywhere), builds again without it. */
export async function compile(opts: BuildOptions): Promise<{ bytecode: boolean }> {
  const first = await bunBuild(opts);
  if (first.ok) return { bytecode: Boolean(opts.bytecode) };
  if (opts.bytecode) {
    const retry = await bunBuild({ ...opts, bytecode: false });
    if (retry.ok) {
      console.warn(`note: --bytecode failed for ${opts.target ?? "host"}, built without it:\n${first.output}`);
      return { bytecode: false };
    }
  }
  throw new Error(`bun build failed for ${opts.target ?? "host"}:\n${first.output}`);
}

/** The output file for one target: the release name when it is a release target. */
export function outputName(target: string): string {
  return (
    RELEASE_TARGETS.find((t) => t.target === target)?.name ??
    `ccmux-${target.replace(/^bun-/, "")}${target.includes("windows") ? ".exe" : ""}`
  );
}

async function buildAll(outdir: string, archive: boolean): Promise<void> {
  const binaries: string[] = [];
  const archives: string[] = [];
  for (const { target, name } of RELEASE_TARGETS) {
    const outfile = join(outdir, name);
    const { bytecode } = await compile({ target, outfile, minify: true, bytecode: true });
    binaries.push(outfile);
    console.log(`built ${outfile}${bytecode ? "" : " (no bytecode)"}`);
    if (!archive) continue;
    const packed = name.endsWith(".exe") ? join(outdir, name.replace(/\.exe$/, ".zip")) : `${outfile}.tar.xz`;
    if (name.endsWith(".exe")) zipExe(outfile, packed);
    else tarXz(outfile, packed);
    archives.push(packed);
    console.log(`packed ${packed}`);
  }
  console.log(`wrote ${writeChecksums(outdir, [...binaries, ...archives], archives)}`);
}

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

if (import.meta.main) {
  const argv = Bun.argv.slice(2);
  const outdir = flag(argv, "--outdir") ?? join(root, "dist");
  mkdirSync(outdir, { recursive: true });
  await writeBundleModule(); // the admin page, embedded
  if (argv.includes("--all")) {
    await buildAll(outdir, !argv.includes("--no-archive"));
  } else {
    const target = flag(argv, "--target");
    const outfile = join(outdir, target ? outputName(target) : "ccmux");
    await compile({ target, outfile, minify: true, bytecode: true });
    console.log(`built ${outfile} (ccmux ${pkg.version})`);
  }
}
