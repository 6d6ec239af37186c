import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasXz, tarXz, writeChecksums } from "../../scripts/archive.ts";
import { REPO_ROOT } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const hasCurl = Bun.spawnSync(["sh", "-c", "command -v curl"]).exitCode === 0;
const root = join(process.env.CCMUX_TEST_ROOT!, "install-script");
const release = join(root, "release");
const NAMES = [
  "linux-x64",
  "linux-x64-baseline",
  "linux-x64-musl",
  "linux-arm64",
  "linux-arm64-musl",
  "darwin-x64",
  "darwin-arm64",
];
let server: ReturnType<typeof Bun.serve> | undefined;

beforeAll(() => {
  if (!hasCurl || !hasXz()) return;
  mkdirSync(release, { recursive: true });
  const fake = join(root, "ccmux");
  writeFileSync(fake, "#!/bin/sh\necho 9.9.9\n", { mode: 0o755 });
  const archives = NAMES.map((n) => join(release, `ccmux-${n}.tar.xz`));
  for (const archive of archives) tarXz(fake, archive);
  writeChecksums(release, archives, archives);
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) => {
      const file = join(release, new URL(req.url).pathname.slice(1));
      return existsSync(file) ? new Response(Bun.file(file)) : new Response("not found", { status: 404 });
    },
  });
});

afterAll(() => server?.stop(true));

/** Async: the release server runs in this process, so a blocking spawn would starve it. */
async function install(binDir: string) {
  const proc = Bun.spawn(["sh", join(REPO_ROOT, "scripts/install.sh")], {
    env: { ...process.env, CCMUX_RELEASE_URL: `http://127.0.0.1:${server!.port}`, CCMUX_BIN_DIR: binDir },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { exitCode: await proc.exited, stdout, stderr };
}

describe.skipIf(!hasCurl || !hasXz())("scripts/install.sh (the README's dotfiles bootstrap)", () => {
  test("downloads the archive for this OS/CPU, verifies it and installs ccmux into the bin dir", async () => {
    const binDir = join(root, "bin-ok");
    const out = await install(binDir);
    expect(out.stderr).toBe("");
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toBe(`ccmux 9.9.9 installed in ${binDir}/ccmux\n`);
    expect((await install(binDir)).exitCode).toBe(0);
  });

  test("a checksum mismatch installs nothing and exits 1", async () => {
    for (const n of NAMES) {
      const sidecar = join(release, `ccmux-${n}.tar.xz.sha256`);
      writeFileSync(
        sidecar,
        readFileSync(sidecar, "utf8").replace(/^./, (c) => (c === "0" ? "1" : "0")),
      );
    }
    const binDir = join(root, "bin-bad");
    const out = await install(binDir);
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toContain("checksum mismatch");
    expect(existsSync(join(binDir, "ccmux"))).toBe(false);
  });
});
