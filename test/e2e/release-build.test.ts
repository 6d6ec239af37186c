import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasXz, sha256, tarXz, writeChecksums, zipExe } from "../../scripts/archive.ts";
import { RELEASE_TARGETS } from "../../scripts/build.ts";
import { REPO_ROOT, spawnCcmux } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const outdir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "release-"));

/** Where bun keeps the cross-compile runtimes it downloads from npm: inside the checkout, so HOME stays the test's own. */
const TARGET_CACHE = join(REPO_ROOT, "node_modules/.cache/bun-compile-targets");

/** Runs scripts/build.ts. */
function build(...args: string[]): void {
  const proc = Bun.spawnSync([process.execPath, "scripts/build.ts", "--outdir", outdir, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, BUN_INSTALL_CACHE_DIR: TARGET_CACHE },
    stdout: "pipe",
    stderr: "pipe",
  });
  if (proc.exitCode !== 0) throw new Error(`build ${args.join(" ")} failed:\n${proc.stdout}\n${proc.stderr}`);
}

beforeAll(() => {
  build();
  build("--target", "bun-linux-arm64");
}, 240_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe("cross-compiling", () => {
  test("bun-linux-arm64 gives an aarch64 ELF executable named ccmux-linux-arm64", () => {
    const bytes = readFileSync(join(outdir, "ccmux-linux-arm64"));
    expect([...bytes.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    expect(bytes[4]).toBe(2);
    expect(bytes.readUInt16LE(18)).toBe(0xb7);
  });
});

describe("the compiled host binary", () => {
  const bin = join(outdir, "ccmux");

  test("knows it is compiled: the service runs the binary itself", async () => {
    const home = join(process.env.CCMUX_TEST_ROOT!, "release-svc");
    const out = await spawnCcmux(["service", "install", "--kind", "systemd", "--dry-run"], {
      bin,
      env: { CCMUX_HOME: home },
    });
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain(`ExecStart=${bin} serve --config ${join(home, "config.toml")}\n`);
  });

  test("config init, config check and env work from the binary", async () => {
    const home = join(process.env.CCMUX_TEST_ROOT!, "release-cli");
    expect((await spawnCcmux(["config", "init"], { bin, env: { CCMUX_HOME: home } })).exitCode).toBe(0);
    expect((await spawnCcmux(["config", "check"], { bin, env: { CCMUX_HOME: home } })).exitCode).toBe(0);
    const env = await spawnCcmux(["env", "--shell", "bash"], { bin, env: { CCMUX_HOME: home } });
    expect(env.stdout).toStartWith("export ANTHROPIC_BASE_URL='http://127.0.0.1:13456'\nexport NO_PROXY=");
  });
});

describe("release archives", () => {
  const dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "archives-"));
  const payload = join(dir, "ccmux-fake");
  writeFileSync(payload, `#!/bin/sh\necho fake ${"x".repeat(5000)}\n`, { mode: 0o755 });

  test("the .zip holds ccmux.exe, byte for byte", () => {
    const archive = join(dir, "ccmux-windows-x64.zip");
    zipExe(payload, archive);
    const check = Bun.spawnSync([
      "python3",
      "-c",
      "import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);assert z.testzip() is None;sys.stdout.buffer.write(z.read('ccmux.exe'))",
      archive,
    ]);
    expect(check.exitCode).toBe(0);
    expect(Buffer.from(check.stdout).equals(readFileSync(payload))).toBe(true);
  });

  test.skipIf(!hasXz())("the .tar.xz holds an executable ccmux", () => {
    const archive = join(dir, "ccmux-linux-x64.tar.xz");
    tarXz(payload, archive);
    const into = join(dir, "unpacked");
    mkdirSync(into);
    expect(Bun.spawnSync(["tar", "-xJf", archive, "-C", into]).exitCode).toBe(0);
    expect(readFileSync(join(into, "ccmux"))).toEqual(readFileSync(payload));
    expect(Bun.spawnSync(["sh", "-c", `test -x ${join(into, "ccmux")}`]).exitCode).toBe(0);
  });

  test("SHA256SUMS verifies with sha256sum -c; sidecar .sha256 files too", () => {
    const archive = join(dir, "ccmux-windows-x64.zip");
    zipExe(payload, archive);
    const sums = writeChecksums(dir, [payload, archive], [archive]);
    expect(readFileSync(sums, "utf8")).toBe(
      `${sha256(payload)}  ccmux-fake\n${sha256(archive)}  ccmux-windows-x64.zip\n`,
    );
    expect(Bun.spawnSync(["sha256sum", "-c", "SHA256SUMS"], { cwd: dir }).exitCode).toBe(0);
    expect(Bun.spawnSync(["sha256sum", "-c", "ccmux-windows-x64.zip.sha256"], { cwd: dir }).exitCode).toBe(0);
  });
});

test("every archive the README and scripts/install.sh download is one the release build makes", () => {
  const made = new Set(
    RELEASE_TARGETS.map((t) => (t.name.endsWith(".exe") ? t.name.replace(/\.exe$/, ".zip") : `${t.name}.tar.xz`)),
  );
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const named = [...readme.matchAll(/ccmux-[a-z0-9-]+\.(?:tar\.xz|zip)/g)].map((m) => m[0]);
  expect(named.length).toBeGreaterThan(3);
  for (const name of named) expect(made).toContain(name);
  const script = readFileSync(join(REPO_ROOT, "scripts/install.sh"), "utf8");
  expect(script).toContain('name="ccmux-$os-$arch$variant.tar.xz"');
  for (const os of ["linux", "darwin"])
    for (const arch of ["x64", "arm64"]) expect(made).toContain(`ccmux-${os}-${arch}.tar.xz`);
  for (const variant of ["x64-musl", "arm64-musl", "x64-baseline"])
    expect(made).toContain(`ccmux-linux-${variant}.tar.xz`);
});
