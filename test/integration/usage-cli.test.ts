import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DATABASE_FILE_NAME } from "../../src/config/paths.ts";
import { runtime } from "../../src/runtime/index.ts";
import type { UsageReport } from "../../src/usage/report.ts";
import { json, startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { model, provider, testConfig } from "../helpers/in-process.ts";
import { spawnCcmux } from "../helpers/spawn.ts";
import { ask, BIG_MESSAGE, published, startUsageRig, type UsageRig } from "../helpers/usage-rig.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

// CCMUX_HOME is the data directory: the CLI reads <home>/ccmux.db, the file the rig's server writes.
const home = join(process.env.CCMUX_TEST_ROOT!, "usage-cli");
mkdirSync(home, { recursive: true });
const env = { CCMUX_HOME: home };

let upstream: FakeUpstream;
let r: UsageRig;

/** One provider holding a pool of two accounts, taken in turn. */
function pooledConfig(url: string) {
  return testConfig({
    providers: [
      provider("api", url, {
        api_key: undefined,
        accounts: ["work", "home"].map((name) => ({ name, api_key: `fake-key-${name}`, weight: 1, enabled: true })),
        pool: { strategy: "round-robin", shed_utilization: 0.9, session_ttl_s: 3600, wait_for_reset_max_s: 0 },
      }),
    ],
    models: [model("sonnet", ["api", "claude-sonnet-4-5-20250929"]), model("mystery", ["api", "mystery-model-1"])],
    router: { default: "sonnet", long_context_threshold: 60_000 },
  });
}

async function apiReport(query: string): Promise<UsageReport> {
  const res = await fetch(`${r.ccmux.url}/api/usage?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as UsageReport;
}

async function cliReport(args: string[]): Promise<UsageReport> {
  const out = await spawnCcmux(["usage", "--json", ...args], { env });
  expect(out.stderr).toBe("");
  expect(out.exitCode).toBe(0);
  return JSON.parse(out.stdout) as UsageReport;
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  r = await startUsageRig(join(home, DATABASE_FILE_NAME), pooledConfig(upstream.url));
  upstream.setDefault(() => json(BIG_MESSAGE));
  const done = published(r.ccmux, 3);
  await ask(r.ccmux);
  await ask(r.ccmux, "sonnet", { "x-claude-code-session-id": "other-session" });
  await ask(r.ccmux, "mystery", { "x-claude-code-session-id": "third-session" });
  await done;
  r.recorder.flush();
});

afterAll(async () => {
  await r.stop();
  await upstream.stop();
});

describe("ccmux usage", () => {
  test("--json prints the figures GET /api/usage answers, for every grouping (the same query, read from the file)", async () => {
    for (const by of ["model", "provider", "day", "account"]) {
      const api = await apiReport(`since=30d&by=${by}`);
      const cli = await cliReport(["--since", "30d", "--by", by]);
      expect({ ...cli, since: "" }).toEqual({ ...api, since: "" });
      expect(Math.abs(Date.parse(cli.since) - Date.parse(api.since))).toBeLessThan(60_000);
      expect(cli.total.requests).toBe(3);
    }
    const byAccount = await cliReport(["--by", "account"]);
    expect(byAccount.rows.map((row) => row.key).sort()).toEqual(["home", "work"]);
  });

  test("the table: one line per group, the total, costs with unpriced models called out", async () => {
    const out = await spawnCcmux(["usage", "--since", "today"], { env });
    expect(out.exitCode).toBe(0);
    const lines = out.stdout.split("\n");
    expect(lines[0]).toContain("(today), by model");
    const header = lines.find((l) => l.startsWith("model"))!;
    expect(header.split(/\s{2,}/)).toEqual([
      "model",
      "requests",
      "errors",
      "input",
      "output",
      "cache read",
      "cache write",
      "p50",
      "p95",
      "cost",
    ]);
    // Two sonnet requests: 2M input at $3/M and 200k output at $15/M is $9.00.
    const sonnet = lines.find((l) => l.startsWith("claude-sonnet-4-5-20250929"))!;
    expect(sonnet).toMatch(/\s2\s+0\s+2\.00M\s+200k\s+0\s+0\s+\d+ ms\s+\d+ ms\s+\$9\.00$/);
    expect(lines.find((l) => l.startsWith("mystery-model-1"))).toMatch(/\s\?$/);
    expect(lines.find((l) => l.startsWith("total"))).toMatch(/\s3\s+0\s+3\.00M\s+300k\s.*\$9\.00\+\?$/);
    expect(out.stdout).toContain("[prices] in config.toml overrides them");
  });

  test("bad flags and an unreadable file are one-line errors; no history is said plainly", async () => {
    const bad = await spawnCcmux(["usage", "--by", "colour"], { env });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toBe('error: by must be one of model, provider, day, account, not "colour"\n');
    const since = await spawnCcmux(["usage", "--since", "yesterday"], { env });
    expect(since.stderr).toContain("since must be like 7d");
    const empty = join(process.env.CCMUX_TEST_ROOT!, "usage-cli-empty");
    const none = await spawnCcmux(["usage"], { env: { CCMUX_HOME: empty } });
    expect(none.exitCode).toBe(0);
    expect(none.stdout).toContain("No usage recorded yet");
    const damaged = join(process.env.CCMUX_TEST_ROOT!, "usage-cli-damaged");
    mkdirSync(damaged, { recursive: true });
    await runtime.writeFileAtomic(join(damaged, DATABASE_FILE_NAME), "not a database ".repeat(300));
    const broken = await spawnCcmux(["usage"], { env: { CCMUX_HOME: damaged } });
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toStartWith(`error: cannot read the usage history in ${join(damaged, DATABASE_FILE_NAME)}:`);
  });
});
