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
  if (!hasXz()) return;
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

/** The shell lines of the README's Install section, with the repository named as a user would name it. */
function readmeInstall(): { repoLine: string; linuxLine: string; bootstrapLine: string; section: string } {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Install"), readme.indexOf("### From download to Claude Code"));
  const line = (re: RegExp) => section.split("\n").find((l) => re.test(l)) ?? "";
  return {
    section,
    repoLine: line(/^export CCMUX_REPO=/).replace("OWNER/ccmux", "test-owner/ccmux"),
    linuxLine: line(/^a=ccmux-linux-x64\.tar\.xz;/),
    bootstrapLine: line(/^curl .*install\.sh" \| sh$/),
  };
}

async function runAsWritten(lines: string[], home: string) {
  const fakeBin = join(root, "fake-bin");
  mkdirSync(fakeBin, { recursive: true });
  writeFileSync(
    join(fakeBin, "curl"),
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(REPO_ROOT, "test/helpers/fake-curl.ts"))} "$@"\n`,
    { mode: 0o755 },
  );
  mkdirSync(home, { recursive: true });
  const log = join(home, "curl.log");
  const proc = Bun.spawn(["sh", "-c", lines.join("\n")], {
    cwd: home,
    env: {
      ...process.env,
      HOME: home,
      PATH: `${fakeBin}:${process.env.PATH}`,
      FAKE_CURL_RELEASE: release,
      FAKE_CURL_REPO: "test-owner/ccmux",
      FAKE_CURL_SOURCE: REPO_ROOT,
      FAKE_CURL_LOG: log,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return {
    exitCode: await proc.exited,
    stdout,
    stderr,
    urls: existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [],
  };
}

describe.skipIf(!hasXz())("the README's install commands, as written", () => {
  test("OWNER/ccmux is named once, in one variable at the top of the section, and every command reads it", () => {
    const { section, repoLine, linuxLine, bootstrapLine } = readmeInstall();
    expect(section.match(/OWNER\/ccmux/g)).toHaveLength(1);
    expect(section.indexOf("export CCMUX_REPO=OWNER/ccmux")).toBeLessThan(section.indexOf("Every release"));
    expect(repoLine).toBe(
      "export CCMUX_REPO=test-owner/ccmux    # the GitHub repository ccmux is released from (owner/name)",
    );
    expect(linuxLine).toContain("$CCMUX_REPO");
    expect(bootstrapLine).toContain("$CCMUX_REPO");
  });

  test("the Linux line downloads, verifies and unpacks into ~/.local/bin", async () => {
    const { repoLine, linuxLine } = readmeInstall();
    const home = join(root, "readme-linux");
    const out = await runAsWritten([repoLine, linuxLine], home);
    expect(out.stderr).toBe("");
    expect(out.exitCode).toBe(0);
    expect(out.urls).toEqual([
      "https://github.com/test-owner/ccmux/releases/latest/download/ccmux-linux-x64.tar.xz",
      "https://github.com/test-owner/ccmux/releases/latest/download/ccmux-linux-x64.tar.xz.sha256",
    ]);
    expect(existsSync(join(home, ".local", "bin", "ccmux"))).toBe(true);
  });

  test("the bootstrap line fetches install.sh from the repository and installs from its releases", async () => {
    const { repoLine, bootstrapLine } = readmeInstall();
    const home = join(root, "readme-bootstrap");
    const out = await runAsWritten([repoLine, bootstrapLine], home);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toBe(`ccmux 9.9.9 installed in ${join(home, ".local", "bin")}/ccmux\n`);
    expect(out.urls[0]).toBe("https://raw.githubusercontent.com/test-owner/ccmux/main/scripts/install.sh");
    expect(out.urls[1]).toStartWith("https://github.com/test-owner/ccmux/releases/latest/download/ccmux-");
  });

  test("install.sh without CCMUX_REPO says to set it (exit 2) instead of fetching a placeholder", async () => {
    const out = await runAsWritten([`sh ${join(REPO_ROOT, "scripts/install.sh")}`], join(root, "readme-norepo"));
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toContain("set CCMUX_REPO=owner/name");
    expect(out.urls).toEqual([]);
  });
});

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
