// The compiled binary's command line: strict flags and commands (exit 2 with a suggestion), one-line
// errors, claude-code-mux's `-c` before or after the command and `start -p`, full help.
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, REPO_ROOT, spawnCcmux } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const BIN = "dist/ccmux";
const run = (args: string[], env: Record<string, string> = {}, stdin?: string) =>
  spawnCcmux(args, { bin: BIN, env, stdin });

const dir = join(process.env.CCMUX_TEST_ROOT!, "cli-strict");
const config = join(dir, "config.toml");

beforeAll(() => {
  const build = Bun.spawnSync([process.execPath, "run", "build"], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    config,
    `[router]\ndefault = "m"\nbackground = "bg"\n[[providers]]\nname = "a"\nprovider_type = "anthropic"\napi_key = "$FAKE_ANTHROPIC_KEY"\n[[models]]\nname = "m"\n[[models.mappings]]\npriority = 1\nprovider = "a"\nactual_model = "x"\n[[models]]\nname = "bg"\n[[models.mappings]]\npriority = 1\nprovider = "a"\nactual_model = "y"\n`,
  );
}, 120_000);

describe("strict command line", () => {
  test.each([
    [["serve", "--prot", "1"], "unknown option --prot for `ccmux serve`; did you mean --port?"],
    [["config", "check", "--jsno"], "unknown option --jsno for `ccmux config check`; did you mean --json?"],
    [["route", "--modle", "x"], "unknown option --modle for `ccmux route`; did you mean --model?"],
    [["sevre"], 'unknown command "sevre" for `ccmux`; did you mean "serve"?'],
    [["auth", "lgoin"], 'unknown command "lgoin" for `ccmux auth`; did you mean "login"?'],
    [["status", "extra"], 'unexpected argument "extra" for `ccmux status`'],
  ])("%p is refused with exit 2", async (args, message) => {
    const out = await run(args);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toStartWith(`error: ${message}`);
    expect(out.stdout).toBe("");
  });

  test("a bad value is one line of error, never a stack trace", async () => {
    for (const args of [
      ["serve", "--port", "abc"],
      ["start", "-p", "abc"],
      ["serve", "--log-level", "verbose"],
    ]) {
      const out = await run(args);
      expect(out.exitCode).toBe(2);
      expect(out.stderr.split("\n")[0]).toMatch(/^error: --(port|log-level) must be/);
      expect(out.stderr).not.toContain("    at ");
      expect(out.stderr.length).toBeLessThan(300);
    }
  });

  test("-c/--config before or after the command; route needs no secrets and names stdin in a JSON error", async () => {
    for (const args of [
      ["-c", config, "route", "--json", "--model", "claude-haiku-4-5"],
      ["route", "--json", "-c", config, "--model", "claude-haiku-4-5"],
      ["--config", config, "route", "--json", "--model", "claude-haiku-4-5"],
    ]) {
      const out = await run(args);
      expect(out.exitCode).toBe(0);
      expect(JSON.parse(out.stdout)).toMatchObject({ config, route: "background", virtual_model: "bg" });
    }
    const piped = await run(["route", "-", "-c", config, "--json"], {}, '{"model":"claude-haiku-4-5","messages":[]}');
    expect(JSON.parse(piped.stdout).route).toBe("background");
    const bad = await run(["route", "-", "-c", config], {}, "nope");
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toStartWith("error: stdin: not valid JSON");
  });

  test("an unset variable's message keeps the word 'environment'", async () => {
    const out = await run(["serve", "-c", config, "--port", "0"]);
    expect(out.exitCode).toBe(1);
    expect(out.stdout + out.stderr).toContain("environment variable FAKE_ANTHROPIC_KEY is not set");
    expect(out.stdout + out.stderr).not.toContain("[redacted] variable");
  });

  test("start -p starts on that port", async () => {
    const home = join(dir, "start-home");
    mkdirSync(home, { recursive: true });
    const port = await freePort();
    const env = { CCMUX_HOME: home };
    const started = await run(["start", "-p", String(port)], env);
    try {
      expect(started.exitCode).toBe(0);
      expect(started.stdout).toContain(`on http://127.0.0.1:${port}`);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    } finally {
      expect((await run(["stop", "-p", String(port)], env)).exitCode).toBe(0);
    }
  }, 60_000);

  test("help shows the full command path, examples and global options; --no-load has no '(Default: true)'", async () => {
    const out = await run(["service", "install", "--help"]);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain("USAGE ccmux service install");
    expect(out.stdout).toContain("EXAMPLES");
    expect(out.stdout).toContain("$ ccmux service install --dry-run");
    expect(out.stdout).toContain("GLOBAL OPTIONS");
    expect(out.stdout).toContain("--no-load");
    expect(out.stdout).not.toContain("Default: true");
    const nested = await run(["auth", "login", "-h"]);
    expect(nested.stdout).toContain("USAGE ccmux auth login");
  });
});
