import { findImportableConfigs, importHint } from "../../config/import/foreign.ts";
import { type Check, type DoctorInputs, fail, info, ok, warn } from "./types.ts";

/** The file itself: there, valid TOML, and what `serve` would say about it. */
export function configChecks({ target, view }: DoctorInputs, syntaxError?: string): Check[] {
  const path = target.configPath;
  if (syntaxError) return [fail("config", syntaxError, `fix the file, then \`ccmux config check -c ${path}\``)];
  if (!view) return [];
  if (view.problems.length)
    return [
      fail(
        "config",
        `${path} is not valid:\n${view.problems.join("\n")}`,
        "fix the keys named above (`ccmux config check` shows them again)",
      ),
    ];
  const { config, warnings } = view.loaded!;
  const summary = `${path}: ${config.providers.length} providers, ${config.models.length} models`;
  if (warnings.length)
    return [
      warn("config", `${summary}; ${warnings.length} warnings:\n${warnings.join("\n")}`, "see the warnings above"),
    ];
  return [ok("config", summary)];
}

/** A claude-code-mux or claude-code-router config `ccmux config import` could convert. */
export async function importChecks({ env, target, configExists }: DoctorInputs): Promise<Check[]> {
  const found = await findImportableConfigs(env);
  const first = found[0];
  if (!configExists && first) return [fail("import", importHint(found)!, `ccmux config import --from ${first.path}`)];
  if (!configExists)
    return [
      warn(
        "config",
        `no config at ${target.configPath}: ccmux runs its built-in default (pass-through to Anthropic)`,
        "ccmux config init",
      ),
    ];
  if (first) return [info("import", `a ${first.format} config is also at ${first.path}; ccmux does not read it`)];
  return [ok("import", "no claude-code-mux or claude-code-router config left to import")];
}
