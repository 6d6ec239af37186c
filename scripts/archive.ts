// Release archives: .tar.xz (Linux, macOS) through the system tar + xz, .zip (Windows) in process; SHA256SUMS.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { zip } from "./zip.ts";

export function sha256(path: string): string {
  return new Bun.CryptoHasher("sha256").update(readFileSync(path)).digest("hex");
}

export function hasXz(): boolean {
  return Bun.spawnSync(["xz", "--version"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;
}

/** `<name>.tar.xz` holding the binary as `ccmux` (mode 0755), so it unpacks straight into ~/.local/bin. */
export function tarXz(binary: string, archive: string): void {
  if (!hasXz())
    throw new Error("xz is not installed (Debian: apt-get install xz-utils); it is needed for the .tar.xz archives");
  const stage = mkdtempSync(join(tmpdir(), "ccmux-pack-"));
  try {
    copyFileSync(binary, join(stage, "ccmux"));
    const args = ["tar", "--owner=0", "--group=0", "--numeric-owner", "-cJf", archive, "-C", stage, "ccmux"];
    const proc = Bun.spawnSync(args, {
      env: { ...process.env, XZ_OPT: process.env.XZ_OPT ?? "-T0 -6" },
      stderr: "pipe",
    });
    if (proc.exitCode !== 0) throw new Error(`tar failed for ${archive}: ${proc.stderr.toString()}`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** `<name>.zip` holding the binary as `ccmux.exe`. */
export function zipExe(binary: string, archive: string): void {
  const data = readFileSync(binary);
  writeFileSync(archive, zip([{ name: "ccmux.exe", data, mode: 0o755, mtime: statSync(binary).mtime }]));
}

/** One SHA256SUMS (`sha256sum -c` format) for `files`, and a `<file>.sha256` beside each of `sidecars`. */
export function writeChecksums(dir: string, files: string[], sidecars: string[]): string {
  const line = (file: string) => `${sha256(file)}  ${basename(file)}`;
  const lines = new Map(files.map((file) => [file, line(file)]));
  for (const file of sidecars) writeFileSync(`${file}.sha256`, `${lines.get(file) ?? line(file)}\n`);
  const sums = join(dir, "SHA256SUMS");
  writeFileSync(sums, `${[...lines.values()].join("\n")}\n`);
  return sums;
}
