// `ccmux start` writes its log to <state>/logs/ccmux.log; `ccmux logs [-f] [-n N]` reads it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { json, startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { readFixtureJson } from "../helpers/sse.ts";
import { ccmuxCommand, freePort, REPO_ROOT, spawnCcmux, startCcmuxServer } from "../helpers/spawn.ts";
import { buildCompiledBinary, COMPILED_BIN } from "../helpers/compiled.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const ISO_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INFO |WARN |ERROR|DEBUG|TRACE) /;

let upstream: FakeUpstream;

beforeAll(async () => {
  buildCompiledBinary();
  upstream = await startFakeUpstream();
  upstream.setDefault(json(readFixtureJson("anthropic/response-tool-use.json")));
});

afterAll(async () => {
  await upstream.stop();
});

/** Its own CCMUX_HOME (config, PID file, logs) and port. */
async function sandbox(name: string) {
  const home = join(process.env.CCMUX_TEST_ROOT!, `logs-${name}`);
  mkdirSync(home, { recursive: true });
  const port = await freePort();
  writeFileSync(
    join(home, "config.toml"),
    [
      `server = { host = "127.0.0.1", port = ${port} }`,
      'router = { default = "m" }',
      `providers = [{ name = "up", provider_type = "anthropic", api_key = "k-logs-key-0123", base_url = "${upstream.url}" }]`,
      'models = [{ name = "m", mappings = [{ priority = 1, provider = "up", actual_model = "x" }] }]',
      "",
    ].join("\n"),
  );
  const env = { CCMUX_HOME: home };
  return {
    home,
    url: `http://127.0.0.1:${port}`,
    log: join(home, "logs", "ccmux.log"),
    run: (...args: string[]) => spawnCcmux(args, { bin: COMPILED_BIN, env }),
    /** `ccmux logs -f` as a running process, its output collected. */
    follow(...args: string[]) {
      const proc = Bun.spawn(ccmuxCommand(["logs", "-f", ...args], COMPILED_BIN), {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env },
        stdout: "pipe",
        stderr: "pipe",
      });
      const out = { text: "" };
      void (async () => {
        const decoder = new TextDecoder();
        const reader = proc.stdout.getReader();
        for (let r = await reader.read(); !r.done; r = await reader.read())
          out.text += decoder.decode(r.value, { stream: true });
      })();
      return { proc, out };
    },
  };
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}

const ask = async (url: string) => {
  const res = await fetch(`${url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
  });
  await res.arrayBuffer();
  return res.status;
};

describe("ccmux start's log file", () => {
  test("start writes every line to <state>/logs/ccmux.log (0600); logs -n prints the last lines; logs -f follows", async () => {
    const s = await sandbox("start");
    expect((await s.run("start")).exitCode).toBe(0);
    try {
      expect(statSync(s.log).mode & 0o777).toBe(0o600);
      const follower = s.follow("-n", "1");
      try {
        // The last line printed means its place is taken: every line after it is followed.
        await until("logs -f to print the last line", () => follower.out.text.endsWith("\n"));
        expect(await ask(s.url)).toBe(200);
        await until("the request line in ccmux.log", () => readFileSync(s.log, "utf8").includes("→ default → up/x"));
        await until("logs -f to print the request line", () => follower.out.text.includes("→ default → up/x"));
      } finally {
        follower.proc.kill();
      }
      const text = readFileSync(s.log, "utf8");
      for (const line of text.split("\n").filter((l) => l && !l.startsWith("  "))) expect(line).toMatch(ISO_LINE);
      expect(text).toContain("listening on");
      const last = await s.run("logs", "-n", "1");
      expect(last.exitCode).toBe(0);
      expect(last.stdout.trimEnd().split("\n")).toHaveLength(1);
      expect(last.stdout).toMatch(/claude-haiku-4-5 → default → up\/x \/v1\/messages json 200 /);
      const all = await s.run("logs");
      expect(all.stdout).toContain("listening on");
    } finally {
      expect((await s.run("stop")).exitCode).toBe(0);
    }
  });

  test("logs -f carries on across a rotation: the rest of the old file, then the new one", async () => {
    const s = await sandbox("rotate");
    mkdirSync(join(s.home, "logs"), { recursive: true });
    writeFileSync(s.log, "first line\n");
    const follower = s.follow();
    try {
      await until("the existing line", () => follower.out.text.includes("first line"));
      appendFileSync(s.log, "written just before the rotation\n");
      renameSync(s.log, `${s.log}.1`);
      writeFileSync(s.log, "first line of the new file\n");
      await until("both", () => follower.out.text.includes("first line of the new file"));
      expect(follower.out.text).toBe("first line\nwritten just before the rotation\nfirst line of the new file\n");
    } finally {
      follower.proc.kill();
    }
  });

  test("serve --log-file writes there and not to the terminal", async () => {
    const s = await sandbox("serve-file");
    const file = join(s.home, "elsewhere", "serve.log");
    const server = await startCcmuxServer({
      bin: COMPILED_BIN,
      configText: readFileSync(join(s.home, "config.toml"), "utf8"),
      args: ["--log-file", file],
    });
    try {
      expect(await ask(server.url)).toBe(200);
      await until("the request line in the file", () => readFileSync(file, "utf8").includes("→ default → up/x"));
    } finally {
      await server.stop();
    }
    expect(server.stdout() + server.stderr()).toBe("");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await s.run("logs", "--file", file, "-n", "3")).stdout).toContain("→ default → up/x");
  });
});

describe("ccmux logs refuses what it does not know", () => {
  test("an unknown flag, a bad -n, and no log yet", async () => {
    const s = await sandbox("refuse");
    const typo = await s.run("logs", "--folow");
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr.split("\n")[0]).toBe("error: unknown option --folow for `ccmux logs`; did you mean --follow?");
    const bad = await s.run("logs", "-n", "ten");
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.split("\n")[0]).toBe('error: -n/--lines must be a whole number, got "ten"');
    const none = await s.run("logs");
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain(`no log at ${s.log} yet`);
  });
});
