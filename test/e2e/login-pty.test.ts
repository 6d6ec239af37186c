// `ccmux auth login` with no kind named (the README's quick start), at a real terminal: the picker,
// then a pasted code. Runs the compiled binary under bash in a PTY, so a key left unread in the
// terminal would reach the shell after ccmux exits, as it did for users (`abc#def: command not found`).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { startFakeOAuth, type FakeOAuth } from "../helpers/fake-oauth.ts";
import { spawnInPty } from "../helpers/pty.ts";
import { REPO_ROOT } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const BIN = join(REPO_ROOT, "dist/ccmux");
const DOWN = "\x1b[B";
let anthropic: FakeOAuth;
let openai: FakeOAuth;

beforeAll(() => {
  const build = Bun.spawnSync([process.execPath, "run", "build"], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
  anthropic = startFakeOAuth({ format: "json" });
  openai = startFakeOAuth({ format: "form", accountId: "acct-42" });
}, 120_000);

afterAll(() => {
  anthropic?.stop();
  openai?.stop();
});

/** bash runs the login, then reads one line: whatever ccmux left unread in the terminal. */
function login(extra = "") {
  const home = join(mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "pty-login-")), "data");
  const script = `'${BIN}' auth login ${extra}; echo "EXIT=$?"; read -r LEFT; echo "LEFTOVER=[$LEFT]"`;
  const session = spawnInPty(["bash", "--norc", "--noprofile", "-c", script], {
    CCMUX_HOME: home,
    CCMUX_NO_BROWSER: "1",
    CCMUX_OAUTH_ANTHROPIC_AUTHORIZE_URL: `${anthropic.url}/oauth/authorize`,
    CCMUX_OAUTH_ANTHROPIC_TOKEN_URL: `${anthropic.url}/v1/oauth/token`,
    CCMUX_OAUTH_OPENAI_AUTHORIZE_URL: `${openai.url}/oauth/authorize`,
    CCMUX_OAUTH_OPENAI_TOKEN_URL: `${openai.url}/oauth/token`,
    CCMUX_OAUTH_OPENAI_CALLBACK_PORT: "0",
  });
  return { session, tokens: join(home, "oauth_tokens.json") };
}

/** After ccmux exits, Enter makes the terminal hand bash anything still buffered. */
async function leftover(session: ReturnType<typeof login>["session"]): Promise<string> {
  await session.waitFor("EXIT=");
  session.type("\r");
  await session.waitFor(/LEFTOVER=\[.*\]/);
  await session.exited;
  return session.screen().match(/LEFTOVER=\[(.*)\]/)![1]!;
}

const authorizeUrl = (screen: string, base: string) =>
  screen.split(/\s+/).find((word) => word.startsWith(`${base}/oauth/authorize`))!;

describe("auth login through the picker, in a terminal", () => {
  test("a pasted code#state is read, the token saved, and the next step printed", async () => {
    const { session, tokens } = login();
    await session.waitFor("Which subscription");
    session.type("\r");
    await session.waitFor(/\d:\d\d left/);
    const { pasted } = await anthropic.authorize(authorizeUrl(session.screen(), anthropic.url));
    session.type(`${pasted}\r`);
    expect(await leftover(session)).toBe("");
    const screen = session.screen();
    expect(screen).toContain("EXIT=0");
    expect(screen).toContain('Saved "anthropic"');
    expect(screen).toContain('oauth_provider = "anthropic"');
    expect(JSON.parse(readFileSync(tokens, "utf8")).anthropic.kind).toBe("anthropic");
  }, 60_000);

  test("a pasted ChatGPT redirect address (with & in it) is read, not run", async () => {
    const { session, tokens } = login();
    await session.waitFor("Which subscription");
    session.type(`${DOWN}${DOWN}\r`);
    await session.waitFor(/\d:\d\d left/);
    const { redirect } = await openai.authorize(authorizeUrl(session.screen(), openai.url));
    session.type(`${redirect}\r`);
    expect(await leftover(session)).toBe("");
    expect(session.screen()).toContain("EXIT=0");
    expect(JSON.parse(readFileSync(tokens, "utf8")).openai.account_id).toBe("acct-42");
  }, 60_000);

  test("at the timeout, text typed but not sent never reaches the shell", async () => {
    const { session, tokens } = login("--timeout 2");
    await session.waitFor("Which subscription");
    session.type("\r");
    await session.waitFor(/\d:\d\d left/);
    session.type("abc#def");
    await session.waitFor("abc#def");
    expect(await leftover(session)).toBe("");
    const screen = session.screen();
    expect(screen).toContain("Timed out after 2 s");
    expect(screen).toContain("nothing was saved");
    expect(screen).toContain("EXIT=1");
    expect(existsSync(tokens)).toBe(false);
  }, 60_000);

  test("Ctrl-C says what was not saved, exits 130 and leaves nothing for the shell", async () => {
    const { session, tokens } = login("anthropic --id claude-max");
    await session.waitFor(/\d:\d\d left/);
    session.type("garbage-code");
    await session.waitFor("garbage-code");
    session.type("\x03");
    expect(await leftover(session)).toBe("");
    const screen = session.screen();
    expect(screen).toMatch(/Login cancelled \(Ctrl-C\); nothing was saved: no token "claude-max"/);
    expect(screen).toContain("EXIT=130");
    expect(existsSync(tokens)).toBe(false);
  }, 60_000);
});
