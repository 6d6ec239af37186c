import { defineCommand } from "citty";
import { resolve } from "node:path";
import { configPath } from "../config/paths.ts";
import { CONFIG_TEMPLATE } from "../config/template.ts";
import { runtime } from "../runtime/index.ts";
import { configArg, die, errorMessage, say } from "../util/cli.ts";

/** `serve` writes the starter file when there is none, so `serve` then `init` (the README's order) finds it. */
async function isUnchangedTemplate(path: string): Promise<boolean> {
  try {
    return (await runtime.readText(path)) === CONFIG_TEMPLATE;
  } catch {
    return false;
  }
}

export const configInitCommand = defineCommand({
  meta: { name: "init", description: "Write the commented starter config (never overwrites an existing file)" },
  args: { ...configArg },
  async run({ args }) {
    const path = resolve(configPath({ flag: args.config, env: runtime.envAll() }));
    let created: boolean;
    try {
      created = await runtime.createExclusive(path, CONFIG_TEMPLATE, 0o644);
    } catch (err) {
      return die(`cannot write ${path}: ${errorMessage(err)}`);
    }
    if (!created && !(await isUnchangedTemplate(path)))
      return die(`${path} already exists; not overwriting it. Edit it, or check it with \`ccmux config check\`.`);
    say(
      created ? `wrote ${path}` : `${path} is already the starter config (\`ccmux serve\` wrote it on its first run)`,
    );
    say('Next: edit it, then `ccmux config check`, `ccmux service install` and `eval "$(ccmux env)"`.');
  },
});
