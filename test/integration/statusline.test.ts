import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { json, startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { startInProcess, type InProcessServer } from "../helpers/in-process.ts";
import { freePort, spawnCcmux } from "../helpers/spawn.ts";
import { ask, BIG_MESSAGE, startUsageRig, usageConfig, type UsageRig } from "../helpers/usage-rig.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const dir = join(process.env.CCMUX_TEST_ROOT!, "statusline");
mkdirSync(dir, { recursive: true });

let upstream: FakeUpstream;
let r: UsageRig;
let keyed: InProcessServer;

/** What Claude Code pipes to its statusLine command (the fields that matter here, and a few others). */
function claudeInput(session: string): string {
  return JSON.stringify({
    session_id: session,
    transcript_path: `/tmp/${session}.jsonl`,
    cwd: "/tmp",
    model: { id: "claude-sonnet-4-5-20250929", display_name: "Sonnet 4.5" },
    workspace: { current_dir: "/tmp", project_dir: "/tmp" },
    version: "2.1.112",
  });
}

/** A loaded CI machine can take longer than the default bound of 1 s: the tests wait on the answer. */
function statusline(session: string, env: Record<string, string>) {
  return spawnCcmux(["statusline"], {
    stdin: claudeInput(session),
    env: { CCMUX_STATUSLINE_TIMEOUT_MS: "30000", ...env },
  });
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.setDefault(() => json(BIG_MESSAGE));
  r = await startUsageRig(join(dir, "ccmux.db"), usageConfig(upstream.url));
  const config = usageConfig(upstream.url);
  keyed = await startInProcess({ ...config, server: { ...config.server, api_key: "fake-server-key-0123" } });
});

afterAll(async () => {
  await Promise.all([r.stop(), keyed.stop()]);
  await upstream.stop();
});

describe("ccmux statusline", () => {
  test("prints who answered this session's last request, today's tokens and estimated cost", async () => {
    await ask(r.ccmux, "sonnet", { "x-claude-code-session-id": "session-one" });
    await ask(r.ccmux, "mystery", { "x-claude-code-session-id": "session-two" });
    // No flush by hand: the server writes what is queued before it reads today's figures.
    const env = { ANTHROPIC_BASE_URL: r.ccmux.url };
    const one = await statusline("session-one", env);
    expect(one.stderr).toBe("");
    expect(one.exitCode).toBe(0);
    // 2M input and 200k output tokens today; the sonnet request costs $3 + $1.50, the mystery model has no price.
    expect(one.stdout).toBe("ccmux · api claude-sonnet-4-5-20250929 · today 2.20M tok $4.50+?\n");
    const two = await statusline("session-two", env);
    expect(two.stdout).toBe("ccmux · api mystery-model-1 · today 2.20M tok $4.50+?\n");
    const fresh = await statusline("session-without-requests", env);
    expect(fresh.stdout).toBe("ccmux · today 2.20M tok $4.50+?\n");
  });

  test("prints nothing when ccmux is not running or not this session's router", async () => {
    const port = await freePort();
    for (const env of [{ ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` }, { ANTHROPIC_BASE_URL: "" }]) {
      const out = await statusline("session-one", env);
      expect(out).toEqual({ stdout: "", stderr: "", exitCode: 0 });
    }
    const https = await statusline("session-one", { ANTHROPIC_BASE_URL: "https://api.anthropic.com" });
    expect(https.stdout).toBe("");
  });

  test("sends the client's key as Claude Code does; without it a keyed server gets nothing printed", async () => {
    const env = { ANTHROPIC_BASE_URL: keyed.url };
    expect((await statusline("s", env)).stdout).toBe("");
    expect((await statusline("s", { ...env, ANTHROPIC_AUTH_TOKEN: "fake-server-key-0123" })).stdout).toBe("ccmux\n");
    expect((await statusline("s", { ...env, ANTHROPIC_API_KEY: "fake-server-key-0123" })).stdout).toBe("ccmux\n");
  });
});
