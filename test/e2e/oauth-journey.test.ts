import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { createTokenStore } from "../../src/auth/store.ts";
import { runtime } from "../../src/runtime/index.ts";
import { sse, startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { startFakeOAuth, type FakeOAuth } from "../helpers/fake-oauth.ts";
import { readFixture, splitSseEvents } from "../helpers/sse.ts";
import { ccmuxCommand, REPO_ROOT, startCcmuxServer, type CcmuxServer } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let oauth: FakeOAuth;
let up: FakeUpstream;
let server: CcmuxServer | undefined;
const home = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "journey-"));
const tokenFile = join(home, "oauth_tokens.json");

const env = () => ({
  CCMUX_HOME: home,
  CCMUX_NO_BROWSER: "1",
  CCMUX_OAUTH_ANTHROPIC_AUTHORIZE_URL: `${oauth.url}/oauth/authorize`,
  CCMUX_OAUTH_ANTHROPIC_TOKEN_URL: `${oauth.url}/v1/oauth/token`,
});

function checkTokenFile(): { access_token: string; expires_at: string } {
  expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
  return JSON.parse(readFileSync(tokenFile, "utf8"))["claude-max"];
}

async function login(): Promise<void> {
  const proc = Bun.spawn(ccmuxCommand(["auth", "login", "anthropic", "--id", "claude-max"]), {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env() },
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = proc.stdout.getReader();
  let out = "";
  while (!out.includes(`${oauth.url}/oauth/authorize`) || !/\/oauth\/authorize\S*\n/.test(out)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`login ended early: ${out}`);
    out += new TextDecoder().decode(value);
  }
  const url = out
    .split("\n")
    .find((l) => l.startsWith(`${oauth.url}/oauth/authorize`))!
    .trim();
  const { pasted } = await oauth.authorize(url);
  proc.stdin.write(`${pasted}\n`);
  await proc.stdin.flush();
  reader.releaseLock();
  expect(await proc.exited).toBe(0);
}

beforeAll(async () => {
  oauth = startFakeOAuth({ format: "json" });
  up = await startFakeUpstream();
});

afterAll(async () => {
  await server?.stop();
  await up.stop();
  oauth.stop();
});

test("auth login, serve, a streamed request, expiry, silent refresh, another request", async () => {
  await login();
  const first = checkTokenFile();
  const config = `[router]\ndefault = "sonnet"\n[[providers]]\nname = "claude-max"\nprovider_type = "anthropic"\nauth_type = "oauth"\noauth_provider = "claude-max"\nbase_url = "${up.url}"\nmodels = []\n[[models]]\nname = "sonnet"\n[[models.mappings]]\npriority = 1\nprovider = "claude-max"\nactual_model = "claude-sonnet-4-6"\n`;
  server = await startCcmuxServer({ configText: config, env: env() });
  const client = new Anthropic({ baseURL: server.url, apiKey: "unused", maxRetries: 0 });
  const ask = () =>
    client.messages
      .stream({ model: "claude-sonnet-4-6", max_tokens: 10, messages: [{ role: "user", content: "hi" }] })
      .finalMessage();

  up.reply(sse(splitSseEvents(readFixture("anthropic/stream-text.sse"))));
  expect((await ask()).stop_reason).toBe("end_turn");
  expect(up.requests[0]!.headers.authorization).toBe(`Bearer ${first.access_token}`);
  expect(oauth.tokenCalls.refresh_token).toBe(0);

  // Another process marks the token as about to expire; serve must notice without a restart.
  const other = createTokenStore({ path: tokenFile, runtime });
  await other.reload();
  await other.set({ ...other.get("claude-max")!, expires_at: new Date(Date.now() + 60_000).toISOString() });

  up.reply(sse(splitSseEvents(readFixture("anthropic/stream-text.sse"))));
  expect((await ask()).stop_reason).toBe("end_turn");
  expect(oauth.tokenCalls.refresh_token).toBe(1);
  const second = checkTokenFile();
  expect(second.access_token).not.toBe(first.access_token);
  expect(up.requests[1]!.headers.authorization).toBe(`Bearer ${second.access_token}`);
  expect(Date.parse(second.expires_at)).toBeGreaterThan(Date.now() + 3_600_000);
  expect(server.stdout() + server.stderr()).not.toContain(second.access_token);
}, 60_000);
