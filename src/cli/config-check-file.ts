import { join } from "node:path";
import { parse } from "smol-toml";
import { openTokenStore, TOKEN_FILE_NAME } from "../auth/store.ts";
import { checkTokens, tokenUses } from "../auth/token-check.ts";
import { buildAdapters } from "../providers/registry.ts";
import { runtime } from "../runtime/index.ts";
import { locateKeys } from "../config/key-locations.ts";
import { ConfigFileError, loadConfigFile, type ConfigProblem } from "../config/load.ts";
import { dataDir, type Env } from "../config/paths.ts";
import type { Config } from "../config/types.ts";
import { findImportableConfigs, importHint } from "../config/import/foreign.ts";
import { formatWarnings } from "../config/problems.ts";
import { withoutUnknownKeys } from "../config/validate.ts";

export interface CheckReport {
  ok: boolean;
  path: string;
  exists: boolean;
  errors: ConfigProblem[];
  /** Already formatted as `file:line:col: message`. */
  warnings: string[];
  /** The offending lines with a caret, for TOML syntax errors. */
  excerpt?: string;
  providers?: number;
  models?: number;
}

/** Everything `ccmux serve` would reject in this file, without starting anything. */
export async function checkConfigFile(path: string, env: Env): Promise<CheckReport> {
  const base = { path, exists: true, errors: [] as ConfigProblem[], warnings: [] as string[] };
  let loaded;
  try {
    loaded = await loadConfigFile(path, env);
  } catch (err) {
    if (!(err instanceof ConfigFileError)) throw err;
    return { ok: false, ...base, errors: err.problems, excerpt: err.excerpt, warnings: await unknownKeyWarnings(path) };
  }
  if (!loaded)
    return {
      ok: false,
      ...base,
      exists: false,
      errors: [
        {
          message:
            importHint(await findImportableConfigs(env)) ??
            "no such file (`ccmux config init` writes a starter config)",
        },
      ],
    };
  const { config, warnings } = loaded;
  try {
    buildAdapters(config);
  } catch (err) {
    return { ok: false, ...base, warnings, errors: [{ message: err instanceof Error ? err.message : String(err) }] };
  }
  const tokens = await tokenProblems(config, env);
  if (tokens.length) return { ok: false, ...base, warnings, errors: tokens };
  return { ok: true, ...base, warnings, providers: config.providers.length, models: config.models.length };
}

/** A file with errors never gets as far as its warnings; the unknown keys are still worth listing. */
async function unknownKeyWarnings(path: string): Promise<string[]> {
  try {
    const text = ((await runtime.readText(path)) ?? "").replace(/^\uFEFF/, "");
    const { findings } = withoutUnknownKeys(parse(text));
    return formatWarnings(path, findings, locateKeys(text));
  } catch {
    return [];
  }
}

/** OAuth providers and pool accounts whose token is missing, of the wrong kind, or expired beyond refresh. */
async function tokenProblems(config: Config, env: Env): Promise<ConfigProblem[]> {
  if (tokenUses(config.providers).length === 0) return [];
  let store: Awaited<ReturnType<typeof openTokenStore>>;
  try {
    store = await openTokenStore({ path: join(dataDir(env), TOKEN_FILE_NAME), runtime });
  } catch (err) {
    return [{ message: err instanceof Error ? err.message : String(err) }];
  }
  return checkTokens(config.providers, (id) => store.get(id), store.path, Date.now())
    .filter((f) => !f.ok)
    .map((f) => ({ keyPath: f.keyPath, message: `${f.message} (${f.fix})` }));
}
