import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { json, startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { readFixtureJson } from "../helpers/sse.ts";
import { spawnCcmux, startCcmuxServer } from "../helpers/spawn.ts";
import { buildCompiledBinary, COMPILED_BIN } from "../helpers/compiled.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const ISO_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INFO |WARN |ERROR|DEBUG|TRACE) /;

const OK = readFixtureJson("anthropic/response-tool-use.json");

/** One provider, one model, written compactly (inline tables). */
const configText = (upstream: string, level = "info") =>
  [
    `server = { host = "127.0.0.1", port = 13456, log_level = "${level}" }`,
    'router = { default = "m" }',
    `providers = [{ name = "up", provider_type = "anthropic", api_key = "k-process-test-key", base_url = "${upstream}" }]`,
    'models = [{ name = "m", mappings = [{ priority = 1, provider = "up", actual_model = "x" }] }]',
    "",
  ].join("\n");

let upstream: FakeUpstream;

beforeAll(async () => {
  buildCompiledBinary();
  upstream = await startFakeUpstream();
  upstream.setDefault(json(OK));
});

afterAll(async () => {
  await upstream.stop();
});

describe("serve's log lines", () => {
  test("every line serve prints, the banner and the request line included, starts with a timestamp", async () => {
    const ccmux = await startCcmuxServer({ bin: COMPILED_BIN, configText: configText(upstream.url) });
    try {
      const res = await fetch(`${ccmux.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      const deadline = performance.now() + 20_000;
      while (!ccmux.stdout().includes("up/x") && performance.now() < deadline) await Bun.sleep(25);
    } finally {
      await ccmux.stop();
    }
    const lines = (ccmux.stdout() + ccmux.stderr()).split("\n").filter((l) => l && !l.startsWith("  "));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(line).toMatch(ISO_LINE);
    expect(lines.some((l) => l.includes("listening on"))).toBe(true);
    expect(lines.some((l) => l.includes("up/x"))).toBe(true);
  });

  test("an unknown server.log_level stops serve with the key, line and column (never info instead)", async () => {
    const dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT ?? tmpdir(), "ccmux-level-"));
    writeFileSync(join(dir, "config.toml"), configText(upstream.url, "verbose"));
    const out = await spawnCcmux(["serve", "--config", join(dir, "config.toml"), "--port", "0"], { bin: COMPILED_BIN });
    expect(out.exitCode).toBe(1);
    expect(out.stdout + out.stderr).toMatch(/config\.toml:1:\d+: server\.log_level: unknown log level "verbose"/);
    expect(out.stdout + out.stderr).not.toContain("listening on");
  });

  test("an unknown --log-level is one line of error and exit 2", async () => {
    const out = await spawnCcmux(["serve", "--log-level", "loud", "--port", "0"], { bin: COMPILED_BIN });
    expect(out.exitCode).toBe(2);
    expect(out.stderr.split("\n")[0]).toBe(
      'error: --log-level must be one of silent, error, warn, info, debug, trace, got "loud"',
    );
    expect(out.stdout).toBe("");
  });
});
