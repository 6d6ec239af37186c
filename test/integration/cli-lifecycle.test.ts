import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, spawnCcmux } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

/** Each test gets its own CCMUX_HOME (config, PID file, logs) and port. */
async function sandbox(name: string, configText?: (port: number) => string) {
  const home = join(process.env.CCMUX_TEST_ROOT!, `life-${name}`);
  mkdirSync(home, { recursive: true });
  const port = await freePort();
  writeFileSync(
    join(home, "config.toml"),
    configText
      ? configText(port)
      : `[server]\nport = ${port}\n[router]\ndefault = "default"\nauto_map_regex = "^$"\n[[providers]]\nname = "anthropic"\nprovider_type = "anthropic"\nauth_type = "passthrough"\n[[models]]\nname = "*"\n[[models.mappings]]\npriority = 1\nprovider = "anthropic"\nactual_model = "*"\n`,
  );
  const env = { CCMUX_HOME: home };
  const run = (...args: string[]) => spawnCcmux(args, { env });
  return { home, port, env, run, pidFile: join(home, "ccmux.pid"), url: `http://127.0.0.1:${port}` };
}

const started: number[] = [];
afterAll(() => {
  for (const pid of started) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("status", () => {
  test("exits 1 when nothing runs (--json too), even with a broken config", async () => {
    const s = await sandbox("status-none", () => "[router\n");
    const out = await s.run("status");
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain("not running");
    const json = await s.run("status", "--json");
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ running: false, url: "http://127.0.0.1:13456" });
  });
});

describe("start / status / stop through a PID file", () => {
  test("start waits for /health, then writes the PID file; status answers; stop verifies and waits for exit", async () => {
    const s = await sandbox("cycle");
    const start = await s.run("start");
    expect(start.exitCode).toBe(0);
    const record = JSON.parse(readFileSync(s.pidFile, "utf8"));
    started.push(record.pid);
    expect(record).toMatchObject({ url: s.url, config: join(s.home, "config.toml") });
    expect(start.stdout).toContain(`started ccmux (pid ${record.pid}) on ${s.url}`);
    const health = await (await fetch(`${s.url}/health`)).json();
    expect(health.pid).toBe(record.pid);

    const status = await s.run("status", "--json");
    expect(status.exitCode).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      running: true,
      url: s.url,
      pid: record.pid,
      version: expect.any(String),
      routes: { default: "default" },
    });
    const text = await s.run("status");
    expect(text.stdout).toMatch(/ccmux \S+ is running on .* \(pid \d+, bun, up \d+s\)/);

    const again = await s.run("start");
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain("already running");

    const stop = await s.run("stop");
    expect(stop.exitCode).toBe(0);
    expect(stop.stdout).toContain(`stopped ccmux (pid ${record.pid})`);
    expect(alive(record.pid)).toBe(false);
    expect(existsSync(s.pidFile)).toBe(false);
    expect((await s.run("status")).exitCode).toBe(1);
  }, 60_000);

  test("a PID file naming a dead process is stale: stop removes it and kills nothing", async () => {
    const s = await sandbox("stale-dead");
    const dead = Bun.spawn(["true"]);
    await dead.exited;
    writeFileSync(s.pidFile, JSON.stringify({ pid: dead.pid, url: s.url, config: "x", started_at: "x" }));
    const out = await s.run("stop");
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain("removed a stale PID file");
    expect(existsSync(s.pidFile)).toBe(false);
  });

  test("a PID file naming a live process that is not ccmux (pid reuse) is stale: that process is left alone", async () => {
    const s = await sandbox("stale-reused");
    const other = Bun.spawn(["sleep", "30"]);
    writeFileSync(s.pidFile, JSON.stringify({ pid: other.pid, url: s.url, config: "x", started_at: "x" }));
    const out = await s.run("stop");
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain("stale PID file");
    expect(alive(other.pid)).toBe(true);
    other.kill();
  });

  test("start replaces a stale (or claude-code-mux style bare) PID file", async () => {
    const s = await sandbox("stale-start");
    writeFileSync(s.pidFile, "999999");
    const out = await s.run("start");
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain("removed a stale PID file");
    const record = JSON.parse(readFileSync(s.pidFile, "utf8"));
    started.push(record.pid);
    expect((await s.run("stop")).exitCode).toBe(0);
  }, 60_000);

  test("a server that cannot start leaves no PID file and shows its log", async () => {
    const s = await sandbox("broken", (port) => `[server]\nport = ${port}\n[router]\ndefault = 7\n`);
    const out = await s.run("start");
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toContain("exited before answering");
    expect(out.stderr).toContain("router.default");
    expect(existsSync(s.pidFile)).toBe(false);
  }, 60_000);
});

describe("ccmux code", () => {
  test("starts a background server when none answers, then runs claude with the env, passing args and exit code", async () => {
    const s = await sandbox(
      "code",
      (port) =>
        `[server]\nport = ${port}\napi_key = "inbound-key"\n[router]\ndefault = "default"\nauto_map_regex = "^$"\n[[providers]]\nname = "anthropic"\nprovider_type = "anthropic"\nauth_type = "passthrough"\n[[models]]\nname = "*"\n[[models.mappings]]\npriority = 1\nprovider = "anthropic"\nactual_model = "*"\n`,
    );
    const fake = join(s.home, "fake-claude");
    writeFileSync(
      fake,
      `#!/bin/sh\nprintf 'args=%s\\n' "$*"\nprintf 'base=%s\\n' "$ANTHROPIC_BASE_URL"\nprintf 'token=%s\\n' "$ANTHROPIC_AUTH_TOKEN"\nexit 7\n`,
    );
    chmodSync(fake, 0o755);
    const out = await spawnCcmux(["code", "-p", "hello there", "--model", "opus"], {
      env: { ...s.env, CCMUX_CLAUDE_BIN: fake },
    });
    expect(out.exitCode).toBe(7);
    expect(out.stdout).toBe(`args=-p hello there --model opus\nbase=${s.url}\ntoken=inbound-key\n`);
    expect(out.stderr).toContain("started a background server");
    const record = JSON.parse(readFileSync(s.pidFile, "utf8"));
    started.push(record.pid);
    const second = await spawnCcmux(["code", "--config", join(s.home, "config.toml"), "--", "-v"], {
      env: { ...s.env, CCMUX_CLAUDE_BIN: fake },
    });
    expect(second.stdout).toStartWith("args=-v\n");
    expect(second.stderr).not.toContain("started");
    expect(existsSync(join(process.env.HOME!, ".claude", "settings.json"))).toBe(false);
    expect((await s.run("stop")).exitCode).toBe(0);
  }, 60_000);

  test("no claude on PATH: exit 127 with a hint, before any server is started", async () => {
    const s = await sandbox("code-missing");
    const out = await spawnCcmux(["code"], { env: { ...s.env, PATH: join(s.home, "empty") } });
    expect(out.exitCode).toBe(127);
    expect(out.stderr).toContain("CCMUX_CLAUDE_BIN");
    expect(out.stderr).toContain("Nothing was started");
    expect(existsSync(s.pidFile)).toBe(false);
    expect(await fetch(`${s.url}/health`).catch(() => "refused")).toBe("refused");
  }, 60_000);
});
