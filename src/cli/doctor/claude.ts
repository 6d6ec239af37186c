import { claudeCommand } from "../../lifecycle/which.ts";
import { runtime } from "../../runtime/index.ts";
import { type Check, type DoctorInputs, fail, ok } from "./types.ts";

const VERSION_TIMEOUT_MS = 15_000;

async function versionOf(command: string[]): Promise<{ code: number; text: string }> {
  const timeout = new Promise<{ code: number; text: string }>((done) =>
    setTimeout(
      () => done({ code: -1, text: `no answer within ${VERSION_TIMEOUT_MS / 1000} s` }),
      VERSION_TIMEOUT_MS,
    ).unref?.(),
  );
  const run = runtime
    .run([...command, "--version"], { stdio: "pipe" })
    .then((r) => ({ code: r.code, text: (r.stdout.trim() || r.stderr.trim()).split("\n")[0] ?? "" }))
    .catch((err: unknown) => ({ code: -1, text: err instanceof Error ? err.message : String(err) }));
  return Promise.race([run, timeout]);
}

/** `claude` on PATH (or $CCMUX_CLAUDE_BIN), and the version it reports. */
export async function claudeChecks({ env, platform }: DoctorInputs): Promise<Check[]> {
  const command = await claudeCommand(env, platform);
  if (!command)
    return [
      fail(
        "claude",
        "claude (Claude Code) is not on PATH",
        "npm install -g @anthropic-ai/claude-code, or set CCMUX_CLAUDE_BIN to its path",
      ),
    ];
  const path = command.at(-1)!;
  const version = await versionOf(command);
  if (version.code !== 0)
    return [fail("claude", `${path} --version failed: ${version.text}`, `reinstall Claude Code, or fix ${path}`)];
  return [ok("claude", `${path}, version ${version.text}`)];
}
