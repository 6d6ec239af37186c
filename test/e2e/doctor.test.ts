import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitForHealth } from "../../src/lifecycle/health.ts";
import { ccmuxCommand, freePort, spawnCcmux } from "../helpers/spawn.ts";
import { buildCompiledBinary } from "../helpers/compiled.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

/** The compiled binary, as users run it. */
const BIN = "dist/ccmux";

beforeAll(() => {
  buildCompiledBinary();
}, 120_000);

const FUTURE = "2030-01-01T00:00:00Z";
const PAST = "2026-01-01T00:00:00Z";

/** A config.toml: one API-key provider whose key is $DOCTOR_KEY, model "sonnet" as router.default. */
function configText(port: number, extra: { router?: string; providers?: string; models?: string } = {}): string {
  return `[server]
port = ${port}

[router]
default = "sonnet"
${extra.router ?? ""}

[[providers]]
name = "openrouter"
provider_type = "openrouter"
api_key = "$DOCTOR_KEY"
models = []
${extra.providers ?? ""}

[[models]]
name = "sonnet"
[[models.mappings]]
priority = 1
provider = "openrouter"
actual_model = "anthropic/claude-sonnet-4.5"
${extra.models ?? ""}`;
}

const oauthProvider = (name: string, type = "anthropic") =>
  `[[providers]]\nname = "${name}"\nprovider_type = "${type}"\nauth_type = "oauth"\nmodels = []\n`;

let count = 0;

/** A fresh HOME with ccmux's dirs, a stub `claude`, and the config (when given). */
function sandbox(config?: string, tokens?: Record<string, object>) {
  const root = join(process.env.CCMUX_TEST_ROOT!, `doctor-${++count}`);
  const home = join(root, "home");
  const ccmuxHome = join(root, "ccmux");
  const bin = join(root, "bin");
  for (const dir of [home, ccmuxHome, bin]) mkdirSync(dir, { recursive: true });
  const claude = join(bin, "claude");
  writeFileSync(claude, '#!/bin/sh\necho "2.1.112 (Claude Code)"\n');
  chmodSync(claude, 0o755);
  const configPath = join(ccmuxHome, "config.toml");
  if (config !== undefined) writeFileSync(configPath, config);
  if (tokens) writeFileSync(join(ccmuxHome, "oauth_tokens.json"), JSON.stringify(tokens), { mode: 0o600 });
  const env: Record<string, string> = {
    HOME: home,
    XDG_CONFIG_HOME: join(root, "xdg"),
    CCMUX_HOME: ccmuxHome,
    CCMUX_SERVICE_MANAGER: "none",
    CCMUX_CLAUDE_BIN: claude,
    DOCTOR_KEY: "fake-key",
  };
  const doctor = async (more: Record<string, string> = {}, args: string[] = []) => {
    const out = await spawnCcmux(["doctor", ...args], { bin: BIN, env: { ...env, ...more } });
    return { ...out, text: out.stdout + out.stderr };
  };
  return { root, home, bin, ccmuxHome, configPath, env, doctor };
}

/** The line doctor printed for a topic with this status, and its fix line. */
function finding(text: string, status: "ok" | "FAIL" | "warn" | "info", topic: string): string {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => l.startsWith(`${status.padEnd(4)}  ${topic}:`));
  if (i < 0) throw new Error(`no "${status} ${topic}" line in:\n${text}`);
  const fix = lines[i + 1]?.trim().startsWith("fix:") ? `\n${lines[i + 1]}` : "";
  return lines[i] + fix;
}

describe("ccmux doctor against a running server", () => {
  let port: number;
  let server: Bun.Subprocess;
  let healthy: ReturnType<typeof sandbox>;
  const validToken = { access_token: "fake-at", refresh_token: "fake-rt", expires_at: FUTURE, kind: "anthropic" };

  beforeAll(async () => {
    port = await freePort();
    const providers = oauthProvider("claude-max");
    const models = `[[models.mappings]]\npriority = 2\nprovider = "claude-max"\nactual_model = "claude-sonnet-4-5"\n`;
    healthy = sandbox(configText(port, { providers, models }), { "claude-max": validToken });
    server = Bun.spawn(ccmuxCommand(["serve", "--config", healthy.configPath], BIN), {
      env: { ...process.env, ...healthy.env },
      stdout: "ignore",
      stderr: "ignore",
    });
    const up = await waitForHealth(`http://127.0.0.1:${port}`, { timeoutMs: 30_000, pid: server.pid });
    if (!up) throw new Error("ccmux serve did not answer");
  });
  afterAll(async () => {
    server.kill("SIGTERM");
    await server.exited;
  });

  test("a healthy config: every check passes and doctor exits 0", async () => {
    const out = await healthy.doctor();
    expect(out.exitCode).toBe(0);
    expect(out.text).not.toMatch(/^(FAIL|warn)/m);
    expect(finding(out.text, "ok", "claude")).toContain("version 2.1.112 (Claude Code)");
    expect(finding(out.text, "ok", "env")).toContain("$DOCTOR_KEY (providers[0].api_key) is set");
    expect(finding(out.text, "ok", "token")).toContain('token "claude-max" (anthropic): valid until');
    expect(finding(out.text, "ok", "server")).toContain(`runs ${healthy.configPath}`);
    expect(out.text).toContain("no problems");
    writeFileSync(join(healthy.root, "doctor-healthy.txt"), out.stdout);
  });

  test("--json: one object with ok and every check", async () => {
    const out = await healthy.doctor({}, ["--json"]);
    const report = JSON.parse(out.stdout);
    expect(report).toMatchObject({ ok: true, config: healthy.configPath });
    expect(report.checks.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining([
        "claude",
        "config",
        "env:DOCTOR_KEY",
        "token:claude-max",
        "routing",
        "server",
        "service",
      ]),
    );
  });

  test("a ccmux on the configured port running another config file", async () => {
    const other = sandbox(configText(port));
    const out = await other.doctor();
    expect(out.exitCode).toBe(1);
    expect(finding(out.text, "FAIL", "server")).toContain(`runs ${healthy.configPath}, not ${other.configPath}`);
  });
});

describe("ccmux doctor finds each problem", () => {
  test("claude not on PATH", async () => {
    const s = sandbox(configText(await freePort()));
    const out = await s.doctor({ CCMUX_CLAUDE_BIN: "", PATH: s.bin.replace(/bin$/, "empty") });
    expect(out.exitCode).toBe(1);
    expect(finding(out.text, "FAIL", "claude")).toContain("fix: npm install -g @anthropic-ai/claude-code");
  });

  test("nothing answering on the port is a warning, not a failure", async () => {
    const s = sandbox(configText(await freePort()));
    const out = await s.doctor();
    expect(out.exitCode).toBe(0);
    expect(finding(out.text, "warn", "server")).toContain("fix: ccmux start");
  });

  test("a $VAR unset in this shell", async () => {
    const s = sandbox(configText(await freePort()));
    const unset = await spawnCcmux(["doctor"], {
      bin: BIN,
      env: { ...s.env, DOCTOR_KEY: undefined as unknown as string },
    });
    expect(unset.exitCode).toBe(1);
    expect(finding(unset.stdout, "FAIL", "env")).toContain(
      "$DOCTOR_KEY (providers[0].api_key) is not set in this shell",
    );
  });

  test("a $VAR set in this shell but missing from the installed service's environment file", async () => {
    const s = sandbox(configText(await freePort()));
    const install = await spawnCcmux(["service", "install", "--kind", "systemd"], { bin: BIN, env: s.env });
    expect(install.exitCode).toBe(0);
    const out = await s.doctor();
    expect(out.exitCode).toBe(1);
    expect(finding(out.text, "FAIL", "env")).toContain(`not in the service's ${join(s.ccmuxHome, "service.env")}`);
    writeFileSync(join(s.ccmuxHome, "service.env"), "DOCTOR_KEY=fake-key\n");
    expect((await s.doctor()).exitCode).toBe(0);
  });

  const tokenCases = [
    ["missing", {}, 'no token "claude-max"'],
    [
      "expired beyond refresh",
      { "claude-max": { access_token: "fake-at", refresh_token: "", expires_at: PAST } },
      "has no refresh token",
    ],
    [
      "of the wrong kind",
      { "claude-max": { access_token: "fake-at", refresh_token: "fake-rt", expires_at: FUTURE, kind: "openai" } },
      "comes from `auth login openai`",
    ],
  ] as const;
  for (const [what, tokens, message] of tokenCases) {
    test(`an OAuth token ${what}`, async () => {
      const s = sandbox(configText(await freePort(), { providers: oauthProvider("claude-max") }), tokens);
      const out = await s.doctor();
      expect(out.exitCode).toBe(1);
      const line = finding(out.text, "FAIL", "token");
      expect(line).toContain(message);
      expect(line).toContain("ccmux auth login anthropic --id claude-max");
    });
  }

  test("a router slot naming no model", async () => {
    const s = sandbox(configText(await freePort(), { router: 'think = "sonet"' }));
    const out = await s.doctor();
    expect(out.exitCode).toBe(1);
    expect(finding(out.text, "FAIL", "router.think")).toContain('router.think = "sonet" names no [[models]] entry');
  });

  test("a mapping naming a provider that does not exist, and a model whose only provider is disabled", async () => {
    const models = `[[models]]\nname = "opus"\n[[models.mappings]]\npriority = 1\nprovider = "off"\nactual_model = "x"\n[[models.mappings]]\npriority = 2\nprovider = "nowhere"\nactual_model = "x"\n`;
    const providers = `[[providers]]\nname = "off"\nprovider_type = "openrouter"\napi_key = "k"\nenabled = false\nmodels = []\n`;
    const s = sandbox(configText(await freePort(), { models, providers }));
    const out = await s.doctor();
    expect(out.exitCode).toBe(1);
    expect(finding(out.text, "FAIL", "models[1].mappings[1]")).toContain('provider "nowhere", which does not exist');
    expect(finding(out.text, "warn", "models[1].mappings[0]")).toContain('provider "off", which is disabled');
    expect(finding(out.text, "FAIL", "models[1]")).toContain('model "opus" has no enabled provider');
  });

  test('the starter template\'s auto_map_regex = "^$" left in after router.default was pointed at a model', async () => {
    const s = sandbox(configText(await freePort(), { router: 'auto_map_regex = "^$"' }));
    const out = await s.doctor();
    expect(out.exitCode).toBe(1);
    const line = finding(out.text, "FAIL", "router.auto_map_regex");
    expect(line).toContain('Claude Code\'s requests are used as given and never reach "sonnet"');
    expect(line).toContain("fix: delete the auto_map_regex line");
  });

  test("a claude-code-router config that could be imported, and no ccmux config", async () => {
    const s = sandbox();
    mkdirSync(join(s.home, ".claude-code-router"), { recursive: true });
    writeFileSync(join(s.home, ".claude-code-router", "config.json"), "{}");
    const out = await s.doctor();
    expect(out.exitCode).toBe(1);
    expect(finding(out.text, "FAIL", "import")).toContain(
      `fix: ccmux config import --from ${join(s.home, ".claude-code-router", "config.json")}`,
    );
  });

  test("the service installed, and its last run exited non-zero", async () => {
    const s = sandbox(configText(await freePort()));
    expect((await spawnCcmux(["service", "install", "--kind", "systemd"], { bin: BIN, env: s.env })).exitCode).toBe(0);
    writeFileSync(join(s.ccmuxHome, "service.env"), "DOCTOR_KEY=fake-key\n");
    const systemctl = join(s.bin, "systemctl");
    writeFileSync(
      systemctl,
      '#!/bin/sh\nprintf "ActiveState=failed\\nSubState=failed\\nResult=exit-code\\nExecMainStatus=1\\n"\n',
    );
    chmodSync(systemctl, 0o755);
    const out = await s.doctor({ CCMUX_SERVICE_MANAGER: "", PATH: `${s.bin}:${process.env.PATH}` });
    expect(out.exitCode).toBe(1);
    const line = finding(out.text, "FAIL", "service");
    expect(line).toContain("failed/failed (exit-code), last exit 1");
    expect(line).toContain("journalctl --user -u ccmux.service");
  });
});
