import { join } from "node:path";
import { parse } from "smol-toml";
import { openTokenStore, TOKEN_FILE_NAME } from "../auth/store.ts";
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
  const missing = await missingAccountTokens(config, env);
  if (missing.length) return { ok: false, ...base, warnings, errors: missing };
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

/** Pool accounts whose token id is not in the token store: `serve` would fail every request to them. */
async function missingAccountTokens(config: Config, env: Env): Promise<ConfigProblem[]> {
  const wanted = config.providers.flatMap((p, i) =>
    p.enabled
      ? (p.accounts ?? []).flatMap((a, j) => (a.enabled && a.oauth_provider ? [{ p, i, j, id: a.oauth_provider }] : []))
      : [],
  );
  if (wanted.length === 0) return [];
  let store: Awaited<ReturnType<typeof openTokenStore>>;
  try {
    store = await openTokenStore({ path: join(dataDir(env), TOKEN_FILE_NAME), runtime });
  } catch (err) {
    return [{ message: err instanceof Error ? err.message : String(err) }];
  }
  return wanted
    .filter((w) => !store.get(w.id))
    .map((w) => ({
      keyPath: `providers[${w.i}].accounts[${w.j}].oauth_provider`,
      message: `no token "${w.id}" in ${store.path} (run \`ccmux auth login <kind> --id ${w.id}\`)`,
    }));
}
