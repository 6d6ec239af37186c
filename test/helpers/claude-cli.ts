// Runs the pinned Claude Code CLI (`claude -p`, JSON output) against a ccmux base URL.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./spawn.ts";

export const CLAUDE_CLI = join(REPO_ROOT, "node_modules/@anthropic-ai/claude-code/cli.js");

/**
 * How the suites start Claude Code: the pinned cli.js under Node (2.1.112, the last release that
 * ships one), or the build `CCMUX_CLAUDE_BIN` names, such as the native binary of a current release
 * (`claude` inside `@anthropic-ai/claude-code-linux-x64`, which npm does not install by default here).
 */
export const CLAUDE_COMMAND: readonly string[] = process.env.CCMUX_CLAUDE_BIN
  ? [process.env.CCMUX_CLAUDE_BIN]
  : ["node", CLAUDE_CLI];

/** The version of the Claude Code the suites run, as its user agent names it. */
export function claudeVersion(): string {
  if (!process.env.CCMUX_CLAUDE_BIN)
    return JSON.parse(readFileSync(join(CLAUDE_CLI, "../package.json"), "utf8")).version;
  const out = spawnSync(process.env.CCMUX_CLAUDE_BIN, ["--version"], { encoding: "utf8" });
  return out.stdout.trim().split(" ")[0]!;
}

export interface ClaudeResult {
  is_error: boolean;
  num_turns: number;
  result: string;
  usage?: { input_tokens: number; output_tokens: number };
}

/** The env that points Claude Code at `baseUrl` with a test key and keeps it from calling home. */
export function claudeEnv(baseUrl: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  return {
    ...process.env,
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: "sk-test-not-real",
    DISABLE_TELEMETRY: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_ERROR_REPORTING: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    ...extra,
  };
}

/** Runs `command args…` (a Claude Code with `--output-format json`) and parses its last stdout line; throws with stderr on a non-zero exit. */
export async function spawnClaude(
  command: readonly string[],
  args: string[],
  opts: { cwd: string; env: Record<string, string | undefined> },
): Promise<ClaudeResult> {
  const proc = Bun.spawn([...command, ...args], { cwd: opts.cwd, env: opts.env, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`claude exited ${code}: ${err}\n${out}`);
  return JSON.parse(out.trim().split("\n").at(-1)!);
}

/** `claude -p "say hello with echo" --allowedTools Bash` in its own work dir; throws with stderr on a non-zero exit. */
export async function runClaude(
  baseUrl: string,
  extra: string[] = [],
  workName = "claude-work",
): Promise<ClaudeResult> {
  const work = join(process.env.CCMUX_TEST_ROOT!, workName);
  mkdirSync(work, { recursive: true });
  const args = ["-p", "say hello with echo", "--allowedTools", "Bash", "--output-format", "json", ...extra];
  return spawnClaude(CLAUDE_COMMAND, args, { cwd: work, env: claudeEnv(baseUrl) });
}
