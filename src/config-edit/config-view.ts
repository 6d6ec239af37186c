import { pathToString, type PathSegment } from "../config/key-locations.ts";
import { ProviderSchema, RouterSchema, ServerSchema } from "../config/schema.ts";
import type { Config, ModelConfig, ProviderConfig, ServerConfig } from "../config/types.ts";
import { SECRET_HEADER } from "../proxy/secret-scrub.ts";
import { isPlainObject, type Doc } from "./toml-values.ts";

/**
 * What the admin API shows of the running config. A secret is never shown: only its `$VAR`
 * reference as written in the file, or "set", or null when there is none.
 */
export type SecretView = string | null;

/** Field names whose values are treated as secrets (narrower than SECRET_HEADER: `auth_type` is not one). */
export const SENSITIVE_NAME =
  /authorization|cookie|secret|passw|credential|signature|token|session|apikey|(^|[-_])(api[-_]?)?key$/i;

/** Only keys the config file may hold are shown, so that what GET shows can be POSTed back as is. */
const SERVER_KEYS = Object.keys(ServerSchema.entries);
const ROUTER_KEYS = Object.keys(RouterSchema.entries);
const PROVIDER_KEYS = Object.keys(ProviderSchema.entries);

/** "$VAR" when the file references a variable, "set" when there is a literal value, else null. */
export function secretView(value: string | undefined, ref: string | undefined): SecretView {
  if (ref?.includes("$")) return ref;
  return value ? "set" : null;
}

/**
 * Header values: the file's text when it references variables, the value when it is written
 * literally under a harmless name, else "set" (an expanded variable may be a secret).
 */
export function maskHeaders(headers: Record<string, string>, raw: unknown): Record<string, string> {
  const rawHeaders = isPlainObject(raw) ? raw : {};
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const text = rawHeaders[name];
    if (typeof text === "string" && text !== value && text.includes("$")) out[name] = text;
    else out[name] = text === value && !SECRET_HEADER.test(name) ? value : "set";
  }
  return out;
}

/** The file's keys of `obj` (absent ones as null when `nulls`), strings under sensitive-looking names as "set". */
function fileFields(obj: object, keys: string[], nulls = false): Doc {
  const out: Doc = {};
  for (const key of keys) {
    const value = (obj as Doc)[key];
    if (value === undefined && !nulls) continue;
    out[key] = typeof value === "string" && SENSITIVE_NAME.test(key) ? "set" : (value ?? null);
  }
  return out;
}

export function serverView(server: ServerConfig): Doc {
  const { api_key, api_key_ref, admin_token, admin_token_ref } = server;
  return {
    ...fileFields(server, SERVER_KEYS),
    api_key: secretView(api_key, api_key_ref),
    admin_token: secretView(admin_token, admin_token_ref),
  };
}

export function routerView(router: Config["router"]): Doc {
  return fileFields(router, ROUTER_KEYS, true);
}

function rawProvider(raw: Doc | undefined, name: string): Doc | undefined {
  const list = Array.isArray(raw?.providers) ? raw.providers : [];
  return list.find((p): p is Doc => isPlainObject(p) && p.name === name);
}

/** A pool's accounts and settings; an account's key shows as its `$VAR` or "set", never the key. */
function poolView(p: ProviderConfig): Doc {
  if (!p.accounts) return {};
  const accounts = p.accounts.map(({ api_key, api_key_ref, ...rest }) =>
    api_key === undefined ? rest : { ...rest, api_key: secretView(api_key, api_key_ref) },
  );
  return { ...p.pool, accounts };
}

export function providerView(p: ProviderConfig, raw?: Doc): Doc {
  const headersRaw = rawProvider(raw, p.name)?.headers;
  return {
    ...fileFields(p, PROVIDER_KEYS),
    api_key: secretView(p.api_key, p.api_key_ref),
    headers: maskHeaders(p.headers, headersRaw),
    ...poolView(p),
    ...(p.error_rules
      ? { error_rules: p.error_rules.map(({ action, cooldown_ms: _, ...r }) => (r.cooldown ? r : { ...r, action })) }
      : {}),
  };
}

export function modelView(m: ModelConfig): Doc {
  return {
    name: m.name,
    mappings: m.mappings.map(({ priority, provider, actual_model }) => ({ priority, provider, actual_model })),
  };
}

/**
 * Every shown string that came from a `$VAR` reference becomes the file's text at that place, so
 * the admin API never shows an expansion (a posted "$HOME" regex comes back as "$HOME").
 * Masked secrets ("set") stay masked.
 */
function fileText(value: unknown, path: PathSegment[], refs: ReadonlyMap<string, string>): unknown {
  if (typeof value === "string") return value === "set" ? value : (refs.get(pathToString(path)) ?? value);
  if (Array.isArray(value)) return value.map((item, i) => fileText(item, [...path, i], refs));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fileText(v, [...path, k], refs)]));
}

function shown<T>(config: Config, view: T, path: PathSegment[]): T {
  return config.env_refs ? (fileText(view, path, config.env_refs) as T) : view;
}

/** GET /api/providers. */
export function providersView(config: Config, raw?: Doc): Doc[] {
  return config.providers.map((p, i) => shown(config, providerView(p, raw), ["providers", i]));
}

/** GET /api/models-config. */
export function modelsView(config: Config): Doc[] {
  return config.models.map((m, i) => shown(config, modelView(m), ["models", i]));
}

/** GET /api/config/json. `raw` is the file's unexpanded document, used to show header references. */
export function configView(config: Config, raw?: Doc): Doc {
  return {
    server: shown(config, serverView(config.server), ["server"]),
    router: shown(config, routerView(config.router), ["router"]),
    providers: providersView(config, raw),
    models: modelsView(config),
  };
}
