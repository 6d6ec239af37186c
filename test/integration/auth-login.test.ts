import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { startFakeOAuth, type FakeOAuth } from "../helpers/fake-oauth.ts";
import { ccmuxCommand, spawnCcmux } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const REPO = join(import.meta.dir, "../..");

let anthropic: FakeOAuth;
let openai: FakeOAuth;
beforeAll(() => {
  anthropic = startFakeOAuth({ format: "json" });
  openai = startFakeOAuth({ format: "form", accountId: "acct-42" });
});
afterAll(() => {
  anthropic.stop();
  openai.stop();
});

function envFor(home: string): Record<string, string> {
  return {
    CCMUX_HOME: home,
    CCMUX_NO_BROWSER: "1",
    CCMUX_OAUTH_ANTHROPIC_AUTHORIZE_URL: `${anthropic.url}/oauth/authorize`,
    CCMUX_OAUTH_ANTHROPIC_TOKEN_URL: `${anthropic.url}/v1/oauth/token`,
    CCMUX_OAUTH_OPENAI_AUTHORIZE_URL: `${openai.url}/oauth/authorize`,
    CCMUX_OAUTH_OPENAI_TOKEN_URL: `${openai.url}/oauth/token`,
    CCMUX_OAUTH_OPENAI_CALLBACK_PORT: "0",
  };
}

const newHome = () => join(mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "login-")), "ccmux-data");

/** Starts `ccmux auth login …` with stdin open and resolves once it has printed the authorize URL. */
async function startLogin(args: string[], home: string, fakeUrl: string) {
  const proc = Bun.spawn(ccmuxCommand(["auth", "login", ...args]), {
    cwd: REPO,
    env: { ...process.env, ...envFor(home) },
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let out = "";
  while (!out.split("\n").some((l) => l.startsWith(fakeUrl) && out.includes("\n", out.indexOf(l)))) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`login exited early: ${out}\n${await new Response(proc.stderr).text()}`);
    out += decoder.decode(value, { stream: true });
  }
  const url = out
    .split("\n")
    .find((l) => l.startsWith(fakeUrl))!
    .trim();
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return out;
      out += decoder.decode(value, { stream: true });
    }
  })();
  return { proc, url, output: () => rest, stderr: () => new Response(proc.stderr).text() };
}

describe("ccmux auth (as a process)", () => {
  const home = newHome();

  test("login anthropic with code#state pasted through stdin", async () => {
    const login = await startLogin(["anthropic", "--id", "claude-max"], home, anthropic.url);
    const { pasted } = await anthropic.authorize(login.url);
    login.proc.stdin.write(`${pasted}\n`);
    await login.proc.stdin.flush();
    expect(await login.proc.exited).toBe(0);
    const stdout = await login.output();
    const file = join(home, "oauth_tokens.json");
    const token = JSON.parse(readFileSync(file, "utf8"))["claude-max"];
    expect(token).toMatchObject({ provider_id: "claude-max", kind: "anthropic" });
    expect(anthropic.accessTokens.has(token.access_token)).toBe(true);
    expect(stdout).not.toContain(token.access_token);
    expect(stdout).not.toContain(token.refresh_token);
    expect(stdout).toContain('oauth_provider = "claude-max"');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(home).mode & 0o777).toBe(0o700);
  });

  test("login openai through the loopback callback", async () => {
    const login = await startLogin(["openai", "--id", "chatgpt"], home, openai.url);
    const { redirect } = await openai.authorize(login.url);
    expect(redirect).toMatch(/^http:\/\/localhost:\d+\/auth\/callback\?/);
    const page = await fetch(redirect!.replace("localhost", "127.0.0.1"));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("close this tab");
    expect(await login.proc.exited).toBe(0);
    const token = JSON.parse(readFileSync(join(home, "oauth_tokens.json"), "utf8")).chatgpt;
    expect(token).toMatchObject({ kind: "openai", account_id: "acct-42" });
    expect(JSON.parse(readFileSync(join(home, "oauth_tokens.json"), "utf8"))["claude-max"]).toBeDefined();
  });

  test("auth list --json shows both tokens without any secret", async () => {
    const r = await spawnCcmux(["auth", "list", "--json"], { env: envFor(home) });
    expect(r.exitCode).toBe(0);
    const list = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(list.map((t) => t.provider_id).sort()).toEqual(["chatgpt", "claude-max"]);
    for (const t of list) {
      expect(Object.keys(t).sort()).toEqual([
        "expires_at",
        "expires_in_seconds",
        "has_api_key",
        "has_refresh_token",
        "is_expired",
        "kind",
        "needs_refresh",
        "provider_id",
        "status",
      ]);
    }
    const table = await spawnCcmux(["auth", "list"], { env: envFor(home) });
    expect(table.stdout).toMatch(/claude-max\s+anthropic\s+in 8h\s+valid/);
    const raw = readFileSync(join(home, "oauth_tokens.json"), "utf8");
    for (const secret of raw.match(/"(access|refresh)_token": "([^"]+)"/g)!.map((m) => m.split('"')[3]!)) {
      expect(r.stdout + table.stdout).not.toContain(secret);
    }
  });

  test("auth refresh and logout", async () => {
    const before = anthropic.tokenCalls.refresh_token;
    const r = await spawnCcmux(["auth", "refresh", "claude-max"], { env: envFor(home) });
    expect(r.exitCode).toBe(0);
    expect(anthropic.tokenCalls.refresh_token).toBe(before + 1);
    expect((await spawnCcmux(["auth", "logout", "claude-max"], { env: envFor(home) })).exitCode).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(join(home, "oauth_tokens.json"), "utf8")))).toEqual(["chatgpt"]);
    const again = await spawnCcmux(["auth", "logout", "claude-max"], { env: envFor(home) });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain("chatgpt");
  });

  test("without a TTY and with empty stdin, login fails at once with what to do", async () => {
    const started = Date.now();
    const r = await spawnCcmux(["auth", "login", "anthropic", "--id", "x"], {
      env: envFor(newHome()),
      stdin: "",
      timeoutMs: 20_000,
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("stdin is not a terminal");
    expect(r.stderr).toContain("ccmux auth login anthropic --id x");
    expect(Date.now() - started).toBeLessThan(15_000);
    const picker = await spawnCcmux(["auth", "login"], { env: envFor(newHome()), timeoutMs: 20_000 });
    expect(picker.exitCode).toBe(2); // a usage error: name the kind
    expect(picker.stderr).toContain("ccmux auth login anthropic");
  });

  test("login google says consumer login ended, needs a project, and saves nothing without one", async () => {
    const home = newHome();
    const { GOOGLE_CLOUD_PROJECT: _p, GOOGLE_CLOUD_PROJECT_ID: _q, ...env } = { ...process.env, ...envFor(home) };
    const r = await spawnCcmux(["auth", "login", "google"], {
      env: env as Record<string, string>,
      stdin: "",
      timeoutMs: 20_000,
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("ended for consumer accounts");
    expect(r.stderr).toContain("--project");
    expect(() => readFileSync(join(home, "oauth_tokens.json"), "utf8")).toThrow();
  });

  test("a state that does not match is refused", async () => {
    const login = await startLogin(["anthropic", "--id", "bad"], newHome(), anthropic.url);
    const { pasted } = await anthropic.authorize(login.url);
    login.proc.stdin.write(`${pasted!.split("#")[0]}#not-the-state\n`);
    await login.proc.stdin.flush();
    expect(await login.proc.exited).toBe(1);
    expect(await login.stderr()).toContain("state does not match");
  });
});
