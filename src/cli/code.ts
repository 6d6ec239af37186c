import { defineCommand } from "citty";
import { clientEnv, passthroughNote } from "../lifecycle/client-env.ts";
import { startBackground } from "../lifecycle/daemon.ts";
import { probeHealth } from "../lifecycle/health.ts";
import { resolveTarget } from "../lifecycle/target.ts";
import { claudeCommand } from "../lifecycle/which.ts";
import { runtime } from "../runtime/index.ts";
import { die, errorMessage } from "../util/cli.ts";

/** `--config X` may come before the claude arguments; everything else is claude's. */
function splitArgs(raw: string[]): { config?: string; claude: string[] } {
  const rest = [...raw];
  let config: string | undefined;
  while (rest[0]?.startsWith("--config")) {
    const flag = rest.shift()!;
    config = flag.includes("=") ? flag.slice(flag.indexOf("=") + 1) : rest.shift();
  }
  if (rest[0] === "--") rest.shift();
  return { config, claude: rest };
}

export const codeCommand = defineCommand({
  meta: {
    name: "code",
    description:
      "Run claude through ccmux (starts a background ccmux serve if none answers). Never edits ~/.claude/settings.json",
  },
  args: {
    config: { type: "string", description: "Path to config.toml (before the claude arguments)" },
    claudeArgs: {
      type: "positional",
      required: false,
      description: "Arguments for claude, passed on as they are (except --help, which ccmux answers)",
    },
  },
  async run({ rawArgs }) {
    const env = runtime.envAll();
    const { config, claude } = splitArgs(rawArgs);
    try {
      const command = await claudeCommand(env, process.platform);
      if (!command)
        return die(
          "ccmux: cannot find `claude` on PATH; install Claude Code (npm install -g @anthropic-ai/claude-code) or set CCMUX_CLAUDE_BIN. Nothing was started.",
          127,
        );
      const target = await resolveTarget(config, env);
      if (!(await probeHealth(target.url))) {
        const started = await startBackground(target, env);
        if (!started.already)
          console.error(
            `ccmux: started a background server (pid ${started.pid}) on ${target.url}; log: ${started.logFile}`,
          );
      }
      const note = passthroughNote(target, env);
      if (note) console.error(`ccmux: ${note}`);
      const stopIgnoringInterrupts = runtime.onSignal("SIGINT", () => {});
      const result = await runtime.run([...command, ...claude], {
        stdio: "inherit",
        env: { ...env, ...clientEnv(target, env) },
      });
      stopIgnoringInterrupts();
      runtime.exit(result.code);
    } catch (err) {
      die(`ccmux: ${errorMessage(err)}`);
    }
  },
});
