import { parse } from "smol-toml";
import type { OAuthProviderLike } from "../../auth/token-check.ts";
import { expandDocument, isTable, variableUses, type VariableUse, withPlaceholders } from "../../config/env-expand.ts";
import { ConfigFileError, configFromDocument, type LoadedConfig } from "../../config/load.ts";
import type { Env } from "../../config/paths.ts";
import { formatProblem } from "../../config/problems.ts";
import { runtime } from "../../runtime/index.ts";

export interface ProviderView extends OAuthProviderLike {
  enabled: boolean;
  models: string[];
}

export interface ModelView {
  name: string;
  mappings: { provider: string }[];
}

/**
 * The config read loosely, so one problem does not hide the others: every `$VAR` is expanded
 * (an unset one stays as written), and the tables are read even when validation fails.
 */
export interface ConfigView {
  path: string;
  vars: VariableUse[];
  providers: ProviderView[];
  models: ModelView[];
  router: Record<string, string | undefined>;
  /** What `serve` would say about the file, unset variables aside. */
  loaded?: LoadedConfig;
  problems: string[];
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const tables = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isTable) : []);

function providerView(p: Record<string, unknown>): ProviderView {
  return {
    name: text(p.name) ?? "?",
    provider_type: text(p.provider_type) ?? "?",
    auth_type: text(p.auth_type),
    oauth_provider: text(p.oauth_provider),
    enabled: p.enabled !== false,
    models: Array.isArray(p.models) ? p.models.filter((m): m is string => typeof m === "string") : [],
    accounts: tables(p.accounts).map((a) => ({ oauth_provider: text(a.oauth_provider), enabled: a.enabled !== false })),
  };
}

function load(doc: unknown, path: string, source: string, env: Env): { loaded?: LoadedConfig; problems: string[] } {
  try {
    return { loaded: configFromDocument(doc, { path, env, source }), problems: [] };
  } catch (err) {
    if (err instanceof ConfigFileError) return { problems: err.problems.map((p) => formatProblem(path, p)) };
    return { problems: [err instanceof Error ? err.message : String(err)] };
  }
}

/** The view of the file at `path`; undefined when it does not exist; throws ConfigFileError-like text on bad TOML. */
export async function readConfigView(path: string, env: Env): Promise<ConfigView | undefined> {
  const source = ((await runtime.readText(path)) ?? "").replace(/^\uFEFF/, "");
  if (!(await runtime.exists(path))) return undefined;
  const doc = parse(source) as Record<string, unknown>;
  const vars = variableUses(doc);
  const filled = withPlaceholders(vars, env);
  const expanded = expandDocument(doc, filled).doc as Record<string, unknown>;
  const router = isTable(expanded.router) ? expanded.router : {};
  return {
    path,
    vars,
    providers: tables(expanded.providers).map(providerView),
    models: tables(expanded.models).map((m) => ({
      name: text(m.name) ?? "?",
      mappings: tables(m.mappings).map((x) => ({ provider: text(x.provider) ?? "?" })),
    })),
    router: Object.fromEntries(Object.entries(router).map(([k, v]) => [k, text(v)])),
    ...load(doc, path, source, filled),
  };
}
