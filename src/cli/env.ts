import { defineCommand } from "citty";
import { clientEnv, defaultShell, parseShell, renderExports, SHELLS } from "../lifecycle/client-env.ts";
import { resolveTarget } from "../lifecycle/target.ts";
import { runtime } from "../runtime/index.ts";
import { configArg, die, errorMessage, jsonArg, printJson } from "../util/cli.ts";

const STATUSLINE_HINT =
  '# Claude Code status line (who answered, today\'s tokens and cost): add "statusLine": {"type": "command", "command": "ccmux statusline"} to ~/.claude/settings.json';

export const envCommand = defineCommand({
  meta: { name: "env", description: 'Print the exports Claude Code needs, for eval "$(ccmux env)"' },
  args: {
    ...configArg,
    ...jsonArg,
    shell: { type: "string", description: `${SHELLS.join(" | ")} (default: from $SHELL)` },
  },
  async run({ args }) {
    const env = runtime.envAll();
    const shell = args.shell ? parseShell(args.shell) : defaultShell(env, process.platform);
    if (!shell) return die(`unknown shell "${args.shell}"; choose one of ${SHELLS.join(", ")}`);
    let target;
    try {
      target = await resolveTarget(args.config, env);
    } catch (err) {
      return die(errorMessage(err));
    }
    if (target.problem)
      console.error(`warning: only [server] of ${target.configPath} could be read; run \`ccmux config check\``);
    const vars = clientEnv(target, env);
    if (args.json) return printJson(vars);
    process.stdout.write(renderExports(vars, shell));
    // Read by a person (not eval'd): one more step worth knowing, as a comment every shell ignores.
    if (runtime.isTTY("stdout")) console.log(STATUSLINE_HINT);
  },
});
