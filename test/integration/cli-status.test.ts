import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitForHealth } from "../../src/lifecycle/health.ts";
import { json, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { ccmuxCommand, freePort, spawnCcmux } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const OK = {
  id: "msg_s",
  type: "message",
  role: "assistant",
  model: "m",
  content: [{ type: "text", text: "ok" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 1234, output_tokens: 56 },
};

const providerToml = (name: string, url: string) =>
  `[[providers]]\nname = "${name}"\nprovider_type = "anthropic"\napi_key = "fake-key"\nbase_url = "${url}"\nmodels = []\n`;

let a: FakeUpstream;
let b: FakeUpstream;
let server: Bun.Subprocess;
let home: string;
let url: string;

beforeAll(async () => {
  [a, b] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
  a.setDefault(status(500, { type: "error", error: { type: "api_error", message: "boom from a" } }));
  b.setDefault(json(OK));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  home = join(process.env.CCMUX_TEST_ROOT!, "cli-status");
  mkdirSync(home, { recursive: true });
  writeFileSync(
    join(home, "config.toml"),
    `[server]\nport = ${port}\n[server.health]\nfailure_threshold = 1\ncooldown_ms = 600000\nmax_cooldown_ms = 600000\n[router]\ndefault = "m"\n${providerToml("a", a.url)}${providerToml("b", b.url)}[[models]]\nname = "m"\n[[models.mappings]]\npriority = 1\nprovider = "a"\nactual_model = "x"\n[[models.mappings]]\npriority = 2\nprovider = "b"\nactual_model = "y"\n`,
  );
  server = Bun.spawn(ccmuxCommand(["serve"]), {
    env: { ...process.env, CCMUX_HOME: home },
    stdout: "ignore",
    stderr: "ignore",
  });
  if (!(await waitForHealth(url, { timeoutMs: 30_000, pid: server.pid }))) throw new Error("serve did not answer");
  const res = await fetch(`${url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "client" },
    body: JSON.stringify({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
  });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  // The usage history is written in batches: wait until today's row for b is there.
  for (let i = 0; i < 200; i++) {
    const usage = (await (await fetch(`${url}/api/usage?since=today&by=provider`)).json()) as { rows: unknown[] };
    if (usage.rows.length) break;
    await Bun.sleep(100);
  }
});

afterAll(async () => {
  server.kill("SIGTERM");
  await server.exited;
  await Promise.all([a.stop(), b.stop()]);
});

describe("ccmux status", () => {
  test("prints a table: provider, state, cooldown remaining, last error, today's tokens", async () => {
    const out = await spawnCcmux(["status"], { env: { CCMUX_HOME: home } });
    expect(out.exitCode).toBe(0);
    const lines = out.stdout.split("\n");
    const header = lines.findIndex((l) => l.startsWith("PROVIDER"));
    expect(lines[header]).toMatch(/^PROVIDER\s+STATE\s+COOLDOWN\s+LAST ERROR\s+TOKENS TODAY \(in \/ out \/ cached\)$/);
    expect(lines[header + 1]).toMatch(/^a\s+cooldown\s+(9|10)m \d\ds\s+boom from a\s+-$/);
    expect(lines[header + 2]).toMatch(/^b\s+healthy\s+-\s+-\s+1\.2k \/ 56 \/ 0$/);
  });

  test("--json is one object: server facts once, each provider with its tokens, no nested copy", async () => {
    const out = await spawnCcmux(["status", "--json"], { env: { CCMUX_HOME: home } });
    const report = JSON.parse(out.stdout);
    expect(Object.keys(report).sort()).toEqual(
      ["config_path", "pid", "providers", "routes", "running", "runtime", "uptime_s", "url", "version"].sort(),
    );
    expect(report.config_path).toBe(join(home, "config.toml"));
    const [pa, pb] = report.providers;
    expect(pa).toMatchObject({ name: "a", state: "cooldown", tokens_today: null });
    expect(pa.last_error).toContain("boom from a");
    expect(pb).toMatchObject({ name: "b", state: "healthy", tokens_today: { input: 1234, output: 56, cache_read: 0 } });
  });
});
