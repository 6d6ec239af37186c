import { dirname } from "node:path";
import { runtime } from "../runtime/index.ts";
import type { Logger } from "../util/log.ts";
import { embeddedDefaultConfig, loadConfigFile } from "./load.ts";
import { findImportableConfigs, importHint } from "./import/foreign.ts";
import { configPath, type Env } from "./paths.ts";
import { CONFIG_TEMPLATE } from "./template.ts";
import type { Config } from "./types.ts";

export interface Bootstrapped {
  config: Config;
  /** The file the config came from; undefined when the embedded default is in use. */
  path?: string;
  /** Where the config file is, or would be: hot reload watches it even while the embedded default runs. */
  file: string;
}

/**
 * Loads the config file, or, when there is none, writes the commented starter file for the
 * user to edit and runs on the embedded default (a pass-through proxy to Anthropic). When a
 * claude-code-mux or claude-code-router config exists, it says so and how to import it instead.
 */
export async function loadOrCreateConfig(opts: { flag?: string; env: Env; log: Logger }): Promise<Bootstrapped> {
  const path = configPath({ flag: opts.flag, env: opts.env });
  const loaded = await loadConfigFile(path, opts.env);
  if (loaded) {
    for (const warning of loaded.warnings) opts.log.warn(warning);
    return { config: loaded.config, path, file: path };
  }
  const hint = importHint(await findImportableConfigs(opts.env));
  if (hint) {
    // No starter file: it would stand in the way of `ccmux config import`.
    opts.log.warn(`${hint}; until then the embedded default serves`);
    return { config: embeddedDefaultConfig(), file: path };
  }
  try {
    await runtime.mkdir(dirname(path), 0o755);
    await runtime.writeFileAtomic(path, CONFIG_TEMPLATE, { mode: 0o644, dirMode: 0o755 });
    opts.log.info(`No config found: wrote a commented starter config to ${path}`);
  } catch (err) {
    opts.log.warn(`No config found and could not write one to ${path}: ${(err as Error).message}`);
  }
  return { config: embeddedDefaultConfig(), file: path };
}
