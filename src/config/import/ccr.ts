import { PROVIDER_KINDS } from "../../catalog/providers.ts";

const str = (value: string) => JSON.stringify(value); // a TOML basic string: JSON escapes are valid TOML ones

/**
 * claude-code-router's `~/.claude-code-router/config.json` (classic v1/v2 shape) → a ccmux
 * config.toml. Providers keep their name, models and base URL; the `transformer` hint picks the
 * dialect where ccmux has one; literal keys become `$NAME_API_KEY` references (the key itself
 * is never written); `Router` slots become router slots over one [[models]] entry per
 * "provider,model" pair. Whatever has no equivalent is listed, in the file and in `notes`.
 */
export interface Imported {
  toml: string;
  /** What changed and why, one line each. */
  notes: string[];
  /** Environment variables the new file reads, with where their value was. */
  env: { name: string; from: string }[];
}

interface CcrProvider {
  name?: unknown;
  api_base_url?: unknown;
  api_key?: unknown;
  models?: unknown;
  transformer?: unknown;
}

type Json = Record<string, unknown>;

const SLOTS: Record<string, string> = {
  default: "default",
  background: "background",
  think: "think",
  longContext: "long_context",
  webSearch: "websearch",
  image: "image",
};

/** Transformers whose job ccmux does itself for the provider type chosen. */
const BUILT_IN = new Set([
  "anthropic",
  "openrouter",
  "deepseek",
  "gemini",
  "groq",
  "openai",
  "vertex-gemini",
  "cerebras",
]);

const envName = (provider: string) => `${provider.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_API_KEY`;

/** `$VAR` / `${VAR}` stays a reference; anything else is a literal key. */
function keyRef(key: string): string | undefined {
  const m = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(key.trim());
  return m ? `$${m[1]}` : undefined;
}

function transformerNames(value: unknown): string[] {
  if (!value || typeof value !== "object") return [];
  const names: string[] = [];
  for (const [key, chain] of Object.entries(value as Json)) {
    const use = key === "use" ? chain : (chain as Json | undefined)?.use;
    if (!Array.isArray(use)) continue;
    for (const t of use) {
      const name = Array.isArray(t) ? t[0] : t;
      if (typeof name === "string") names.push(key === "use" ? name : `${name} (model ${key})`);
    }
  }
  return names;
}

/** host:port, with localhost written as 127.0.0.1 (the local presets' spelling). */
function hostOf(url: string): string {
  try {
    return new URL(url).host.replace(/^localhost(?=:|$)/, "127.0.0.1");
  } catch {
    return "";
  }
}

/** provider_type and base_url from the endpoint URL and the transformer hint. */
function providerType(url: string, transformers: string[]): { type: string; baseUrl?: string } {
  const has = (t: string) => transformers.some((n) => n === t || n.startsWith(`${t} `));
  const host = hostOf(url);
  if (has("anthropic") || /\/v1\/messages\/?$/.test(url))
    return { type: "anthropic", baseUrl: url.replace(/\/v1\/messages\/?$/, "") };
  if (has("gemini") || host === "generativelanguage.googleapis.com")
    return { type: "gemini", baseUrl: url.replace(/\/models\/?$/, "").replace(/\/+$/, "") };
  const base = url.replace(/\/chat\/completions\/?$/, "");
  for (const [type, kind] of Object.entries(PROVIDER_KINDS))
    if (kind.dialect === "openai-chat" && kind.baseUrl && hostOf(kind.baseUrl) === host && type !== "openai-compatible")
      return { type, baseUrl: base === kind.baseUrl ? undefined : base };
  return { type: "openai-compatible", baseUrl: base };
}

function providerBlock(p: CcrProvider, out: Imported): string[] {
  const name = String(p.name ?? "");
  const url = typeof p.api_base_url === "string" ? p.api_base_url : "";
  const transformers = transformerNames(p.transformer);
  const { type, baseUrl } = providerType(url, transformers);
  const lines = ["[[providers]]", `name = ${str(name)}`, `provider_type = ${str(type)}`];
  if (baseUrl) lines.push(`base_url = ${str(baseUrl)}`);
  const key = typeof p.api_key === "string" ? p.api_key : "";
  if (key && !PROVIDER_KINDS[type]?.keyless) {
    const ref = keyRef(key) ?? `$${envName(name)}`;
    lines.push('auth_type = "apikey"', `api_key = ${str(ref)}`);
    out.env.push({ name: ref.slice(1), from: `Providers "${name}" api_key` });
    if (!keyRef(key)) {
      out.notes.push(
        `provider "${name}": its key is now read from ${ref} (export it; it is not copied into config.toml)`,
      );
    }
  }
  const models = Array.isArray(p.models) ? p.models.filter((m): m is string => typeof m === "string") : [];
  lines.push(`models = ${JSON.stringify(models)}`, "enabled = true");
  const dropped = transformers.filter((t) => !BUILT_IN.has(t.split(" ")[0]!));
  if (dropped.length > 0) {
    lines.unshift(`# transformers with no ccmux equivalent, not carried over: ${dropped.join(", ")}`);
    out.notes.push(`provider "${name}": transformers ${dropped.join(", ")} have no ccmux equivalent (left out)`);
  }
  return lines;
}

/** "provider,model" → the [[models]] name ccmux routes to (the model id itself, made unique). */
function routeModels(router: Json, out: Imported): { router: string[]; models: string[] } {
  const names = new Map<string, string>();
  const routerLines = ["[router]"];
  const models: string[] = [];
  for (const [key, value] of Object.entries(router)) {
    const slot = SLOTS[key];
    if (key === "longContextThreshold" && typeof value === "number") {
      routerLines.push(`long_context_threshold = ${value}`);
      continue;
    }
    if (!slot || typeof value !== "string" || !value.includes(",")) {
      if (value !== undefined && value !== "" && key !== "longContextThreshold") {
        routerLines.push(`# Router.${key} = ${JSON.stringify(value)}: no ccmux equivalent, not carried over`);
        out.notes.push(`Router.${key} has no ccmux equivalent (left out)`);
      }
      continue;
    }
    const [provider, ...rest] = value.split(",");
    const actual = rest.join(",");
    let name = names.get(value);
    if (!name) {
      name = [...names.values()].includes(actual) ? `${provider}/${actual}` : actual;
      names.set(value, name);
      models.push(
        "[[models]]",
        `name = ${str(name)}`,
        "[[models.mappings]]",
        `provider = ${str(provider!)}`,
        `actual_model = ${str(actual)}`,
        "priority = 1",
        "",
      );
    }
    routerLines.push(`${slot} = ${str(name)}`);
  }
  if (!routerLines.some((l) => l.startsWith("default ="))) routerLines.push('default = "default"');
  return { router: routerLines, models };
}

const SERVER_KEYS: Record<string, (v: unknown, out: string[]) => void> = {
  HOST: (v, out) => typeof v === "string" && out.push(`host = ${str(v)}`),
  PORT: (v, out) => typeof v === "number" && out.push(`port = ${v}`),
  LOG_LEVEL: (v, out) => typeof v === "string" && out.push(`log_level = ${str(v)}`),
};

function serverBlock(config: Json, out: Imported): string[] {
  const lines = ["[server]"];
  for (const [key, put] of Object.entries(SERVER_KEYS)) put(config[key], lines);
  if (typeof config.APIKEY === "string" && config.APIKEY) {
    const ref = keyRef(config.APIKEY) ?? "$CCMUX_API_KEY";
    lines.push(`api_key = ${str(ref)}`);
    out.env.push({ name: ref.slice(1), from: "APIKEY" });
    if (!keyRef(config.APIKEY)) {
      out.notes.push(`APIKEY: clients' key is now read from ${ref} (export it)`);
    }
  }
  if (typeof config.API_TIMEOUT_MS === "number")
    lines.push("", "[server.timeouts]", `api_timeout_ms = ${config.API_TIMEOUT_MS}`);
  return lines;
}

const HANDLED = new Set([
  "Providers",
  "providers",
  "Router",
  "router",
  "APIKEY",
  "API_TIMEOUT_MS",
  ...Object.keys(SERVER_KEYS),
]);

export function importClaudeCodeRouter(json: Json, source: string): Imported {
  const out: Imported = { toml: "", notes: [], env: [] };
  const providers = (json.Providers ?? json.providers ?? []) as CcrProvider[];
  const router = (json.Router ?? json.router ?? {}) as Json;
  const server = serverBlock(json, out);
  const blocks = (Array.isArray(providers) ? providers : []).map((p) => providerBlock(p, out).join("\n"));
  const routed = routeModels(router, out);
  const leftOut = Object.keys(json).filter((k) => !HANDLED.has(k));
  for (const k of leftOut) out.notes.push(`${k} has no ccmux equivalent (left out)`);
  const header = [
    `# Imported by \`ccmux config import\` from claude-code-router's ${source}.`,
    ...(leftOut.length > 0 ? [`# Not carried over (no ccmux equivalent): ${leftOut.join(", ")}`] : []),
  ];
  out.toml = `${[...header, "", ...server, "", ...routed.router, "", blocks.join("\n\n"), "", ...routed.models].join("\n").trimEnd()}\n`;
  return out;
}
