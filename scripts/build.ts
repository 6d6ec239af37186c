#!/usr/bin/env bun
// Builds the single-file `ccmux` executable with `bun build --compile`.
//   bun run build             → dist/ccmux for this machine
//   bun run build --target T  → dist/ccmux-<os>-<arch>[.exe] for one bun target (e.g. bun-darwin-arm64)
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import pkg from "../package.json" with { type: "json" };

const root = join(import.meta.dir, "..");

export interface BuildOptions {
  target?: string;
  outfile: string;
  minify?: boolean;
  bytecode?: boolean;
}

export async function compile(opts: BuildOptions): Promise<void> {
  const args = [
    process.execPath, "build", "--compile",
    "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig",
    "--format=esm",
    "--outfile", opts.outfile,
  ];
  if (opts.target) args.push(`--target=${opts.target}`);
  if (opts.minify) args.push("--minify");
  if (opts.bytecode) args.push("--bytecode");
  args.push(join(root, "src/main.ts"));
  const proc = Bun.spawn(args, { cwd: root, stdout: "inherit", stderr: "inherit" });
  if ((await proc.exited) !== 0) throw new Error(`bun build failed for ${opts.target ?? "host"}`);
}

if (import.meta.main) {
  mkdirSync(join(root, "dist"), { recursive: true });
  const argv = Bun.argv.slice(2);
  const targetIdx = argv.indexOf("--target");
  const target = targetIdx >= 0 ? argv[targetIdx + 1] : undefined;
  const outfile = join(root, "dist", target ? `ccmux-${target.replace(/^bun-/, "")}` : "ccmux");
  await compile({ target, outfile, minify: true, bytecode: true });
  console.log(`built ${outfile} (ccmux ${pkg.version})`);
}
