// `ccmux code -p "say hi"` from the compiled binary starts the real Claude Code (the pinned CLI) without
// `/login`, in a fresh HOME, for a routed config (providers hold their own keys, no server.api_key),
// a subscription config (an OAuth token ccmux holds) and a pass-through config (the user's own key).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { freePort, REPO_ROOT, spawnCcmux } from "../helpers/spawn.ts";
import { answerWith, claudeOnPath, quietClaudeEnv } from "../helpers/claude-first-try.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const BIN = "dist/ccmux";
let up: FakeUpstream;
const homes: Record<string, string>[] = [];

beforeAll(async () => {
  const build = Bun.spawnSync([process.execPath, "run", "build"], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
  up = await startFakeUpstream();
  up.setDefault(answerWith("HELLO-FROM-UPSTREAM"));
}, 120_000);

afterAll(async () => {
  await Promise.all(homes.map((env) => spawnCcmux(["stop"], { bin: BIN, env })));
  await up?.stop();
}, 60_000);

const MAPPING = (provider: string, model: string) =>
  `[[models]]\nname = "main"\n[[models.mappings]]\npriority = 1\nprovider = "${provider}"\nactual_model = "${model}"\n`;

async function sandbox(name: string, body: (port: number) => string, extra: Record<string, string> = {}) {
  const root = join(process.env.CCMUX_TEST_ROOT!, `first-try-${name}`);
  const ccmuxHome = join(root, "ccmux");
  mkdirSync(ccmuxHome, { recursive: true });
  const port = await freePort();
  writeFileSync(join(ccmuxHome, "config.toml"), `[server]\nport = ${port}\n${body(port)}`);
  const env = {
    ...quietClaudeEnv(join(root, "home")),
    CCMUX_HOME: ccmuxHome,
    PATH: claudeOnPath(join(root, "bin")),
    ...extra,
  };
  homes.push(env);
  return { env, ccmuxHome };
}

async function code(env: Record<string, string>) {
  const out = await spawnCcmux(["code", "-p", "say hi", "--output-format", "json"], {
    bin: BIN,
    env,
    timeoutMs: 60_000,
  });
  const last = out.stdout.trim().split("\n").at(-1) ?? "";
  if (out.exitCode !== 0 || !last.startsWith("{"))
    throw new Error(`ccmux code failed (${out.exitCode}):\n${out.stdout}\n${out.stderr}`);
  return { ...out, result: JSON.parse(last) as { is_error: boolean; result: string } };
}

describe("ccmux code starts Claude Code on the first try", () => {
  test("routed: an OpenAI-compatible provider with its own key, no server.api_key", async () => {
    up.clear();
    const { env } = await sandbox(
      "routed",
      () =>
        `[router]\ndefault = "main"\n[[providers]]\nname = "oa"\nprovider_type = "openai-compatible"\nbase_url = "${up.url}/v1"\napi_key = "$FAKE_OA_KEY"\n${MAPPING("oa", "glm-4.6")}`,
      { FAKE_OA_KEY: "fake-oa-key" },
    );
    const out = await code(env);
    expect(out.result.is_error).toBe(false);
    expect(out.result.result).toContain("HELLO-FROM-UPSTREAM");
    expect(out.stdout + out.stderr).not.toContain("/login");
    const sent = up.requests.filter((r) => r.path === "/v1/chat/completions");
    expect(sent.length).toBeGreaterThan(0);
    expect(sent[0]!.headers.authorization).toBe("Bearer fake-oa-key");
  }, 90_000);

  test("subscription: an OAuth token ccmux holds", async () => {
    up.clear();
    const { env, ccmuxHome } = await sandbox(
      "subscription",
      () =>
        `[router]\ndefault = "main"\n[[providers]]\nname = "max"\nprovider_type = "anthropic"\nbase_url = "${up.url}"\nauth_type = "oauth"\noauth_provider = "claude-max"\n${MAPPING("max", "claude-sonnet-4-6")}`,
    );
    const token = {
      provider_id: "claude-max",
      access_token: "fake-access-for-first-try",
      refresh_token: "fake-refresh-for-first-try",
      expires_at: new Date(Date.now() + 8 * 3600_000).toISOString(),
      kind: "anthropic",
    };
    writeFileSync(join(ccmuxHome, "oauth_tokens.json"), JSON.stringify({ "claude-max": token }), { mode: 0o600 });
    const out = await code(env);
    expect(out.result.is_error).toBe(false);
    expect(out.result.result).toContain("HELLO-FROM-UPSTREAM");
    const sent = up.requests.filter((r) => r.path.startsWith("/v1/messages"));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent[0]!.headers.authorization).toBe("Bearer fake-access-for-first-try");
  }, 90_000);

  test("pass-through: Claude Code's own key reaches the upstream (no placeholder replaces it)", async () => {
    up.clear();
    const { env } = await sandbox(
      "passthrough",
      () =>
        `[router]\ndefault = "main"\n[[providers]]\nname = "anthropic"\nprovider_type = "anthropic"\nbase_url = "${up.url}"\nauth_type = "passthrough"\n${MAPPING("anthropic", "claude-sonnet-4-6")}`,
      { ANTHROPIC_API_KEY: "sk-ant-fake-user-own-key" },
    );
    const out = await code(env);
    expect(out.result.is_error).toBe(false);
    expect(out.result.result).toContain("HELLO-FROM-UPSTREAM");
    const sent = up.requests.filter((r) => r.path.startsWith("/v1/messages"));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent[0]!.headers["x-api-key"]).toBe("sk-ant-fake-user-own-key");
  }, 90_000);
});
