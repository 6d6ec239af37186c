// Runs the pinned Claude Code CLI (`claude -p`, JSON output) against a ccmux base URL.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./spawn.ts";

export const CLAUDE_CLI = join(REPO_ROOT, "node_modules/@anthropic-ai/claude-code/cli.js");

export interface ClaudeResult {
  is_error: boolean;
  num_turns: number;
  result: string;
}

/** `claude -p "say hello with echo" --allowedTools Bash` in its own work dir; throws with stderr on a non-zero exit. */
export async function runClaude(
  baseUrl: string,
  extra: string[] = [],
  workName = "claude-work",
): Promise<ClaudeResult> {
  const work = join(process.env.CCMUX_TEST_ROOT!, workName);
  mkdirSync(work, { recursive: true });
  const proc = Bun.spawn(
    ["node", CLAUDE_CLI, "-p", "say hello with echo", "--allowedTools", "Bash", "--output-format", "json", ...extra],
    {
      cwd: work,
      env: {
        ...process.env,
        ANTHROPIC_BASE_URL: baseUrl,
        ANTHROPIC_API_KEY: "sk-test-not-real",
        DISABLE_TELEMETRY: "1",
        DISABLE_AUTOUPDATER: "1",
        DISABLE_ERROR_REPORTING: "1",
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      },
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`claude exited ${code}: ${err}\n${out}`);
  return JSON.parse(out.trim().split("\n").at(-1)!);
}
