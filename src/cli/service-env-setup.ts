import { parse } from "smol-toml";
import { variableUses, type VariableUse } from "../config/env-expand.ts";
import type { Env } from "../config/paths.ts";
import { readServiceEnv, serviceEnvTemplate } from "../lifecycle/service-env.ts";
import { runtime } from "../runtime/index.ts";
import { paint, say } from "../util/cli.ts";

/** The `$VAR`s a config file references (none when it is missing or not TOML: `config check` says why). */
export async function configVariables(path: string): Promise<VariableUse[]> {
  try {
    const text = await runtime.readText(path);
    return text === undefined ? [] : variableUses(parse(text.replace(/^\uFEFF/, "")));
  } catch {
    return [];
  }
}

const warnLine = (line: string) => console.error(`${paint("warning", "yellow")}: ${line}`);

/** Names the service needs, each once, those of disabled providers last and marked. */
function listNames(uses: readonly VariableUse[]): { names: string[]; optional: Set<string> } {
  const needed = new Set(uses.filter((u) => !u.optional).map((u) => u.name));
  const optional = new Set(uses.filter((u) => u.optional && !needed.has(u.name)).map((u) => u.name));
  return { names: [...needed, ...optional], optional };
}

/**
 * Lists the `$VAR`s the config references, creates the service's environment file (mode 0600)
 * with those names commented out when it does not exist, and warns about each one it does not set.
 * An existing file is never rewritten.
 */
export async function setUpServiceEnv(envFile: string, configPath: string, shell: Env, dryRun: boolean): Promise<void> {
  const { names, optional } = listNames(await configVariables(configPath));
  const shown = names.map((n) => `$${n}${optional.has(n) ? " (disabled provider)" : ""}`);
  say(names.length ? `config.toml references: ${shown.join(", ")}` : "config.toml references no $VAR");
  let vars = await readServiceEnv(envFile);
  if (vars === undefined) {
    const text = serviceEnvTemplate(names, configPath);
    if (dryRun) say(`# would create ${envFile} (mode 0600):\n${text.trimEnd()}`);
    else {
      await runtime.writeFileAtomic(envFile, text, { mode: 0o600, dirMode: 0o700 });
      say(
        `created ${envFile} (mode 0600)${names.length ? ": remove the # before each name and fill in its value" : ""}`,
      );
    }
    vars = {};
  } else {
    const mode = await runtime.fileMode(envFile);
    say(`kept ${envFile} as it is`);
    if (mode !== undefined && mode & 0o077)
      warnLine(`${envFile} is readable by other users (mode ${mode.toString(8)}): chmod 600 ${envFile}`);
  }
  for (const name of names.filter((n) => !optional.has(n) && !vars[n])) {
    const here = shell[name] === undefined ? "" : " (this shell has it, the service does not read your shell)";
    warnLine(`${name} is not set in ${envFile}${here}: add ${name}=… there, then \`ccmux restart\``);
  }
}
