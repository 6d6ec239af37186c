import { LOG_LEVELS } from "../util/log.ts";
import { blank, checkDuplicateNames, definedOnly, normalizeProviders, type Sink } from "./normalize-providers.ts";
import { compileRegex } from "./regex.ts";
import type { ConfigDocument, ModelDocument } from "./schema.ts";
import {
  CATCH_ALL_MODEL,
  type Config,
  type ModelConfig,
  type ProviderConfig,
  type RouterConfig,
  type ServerConfig,
} from "./types.ts";

const MODEL_SLOTS = ["default", "background", "think", "websearch", "long_context", "image"] as const;
const REGEX_SLOTS = ["auto_map_regex", "background_regex"] as const;

function normalizeServer(doc: ConfigDocument["server"], refs: Map<string, string>, sink: Sink): ServerConfig {
  for (const key of ["api_key", "admin_token", "metrics_token"] as const) {
    if (doc[key] === "" && refs.has(`server.${key}`)) {
      sink.warnings.push({
        path: ["server", key],
        message: `${refs.get(`server.${key}`)} is empty, so ${key} is unset`,
      });
    }
  }
  if (!LOG_LEVELS.includes(doc.log_level.toLowerCase())) {
    const message = `unknown log level "${doc.log_level}" (one of ${LOG_LEVELS.join(", ")})`;
    sink.errors.push({ path: ["server", "log_level"], message });
  }
  return definedOnly({
    host: doc.host,
    port: doc.port,
    api_key: blank(doc.api_key),
    api_key_ref: refs.get("server.api_key"),
    admin_token: blank(doc.admin_token),
    admin_token_ref: refs.get("server.admin_token"),
    metrics_token: blank(doc.metrics_token),
    log_level: doc.log_level,
    timeouts: { ...doc.timeouts },
    health: { ...doc.health },
    limits: { ...doc.limits },
  });
}

function normalizeModel(
  doc: ModelDocument,
  index: number,
  providers: Map<string, ProviderConfig>,
  sink: Sink,
): ModelConfig {
  if (doc.mappings.length === 0) {
    sink.warnings.push({
      path: ["models", index],
      message: `model "${doc.name}" has no [[models.mappings]], so requests for it fail`,
    });
  }
  doc.mappings.forEach((mapping, j) => {
    const path = ["models", index, "mappings", j, "provider"];
    const provider = providers.get(mapping.provider);
    if (!provider) {
      const known = [...providers.keys()].map((n) => `"${n}"`).join(", ") || "none";
      sink.errors.push({ path, message: `unknown provider "${mapping.provider}" (providers: ${known})` });
    } else if (!provider.enabled) {
      sink.warnings.push({ path, message: `provider "${mapping.provider}" is disabled, so this mapping is skipped` });
    }
  });
  const mappings = [...doc.mappings].sort((a, b) => a.priority - b.priority);
  return { name: doc.name, mappings };
}

/** `refs` keyed by the config's paths: a sorted mapping's references move with it. */
function configRefs(refs: Map<string, string>, docs: ModelDocument[]): Map<string, string> {
  const out = new Map(refs);
  docs.forEach((doc, i) => {
    const order = doc.mappings.map((m, j) => ({ m, j })).sort((a, b) => a.m.priority - b.m.priority);
    const prefix = `models[${i}].mappings[`;
    for (const key of refs.keys()) if (key.startsWith(prefix)) out.delete(key);
    order.forEach(({ j }, sorted) => {
      for (const [key, text] of refs) {
        if (key.startsWith(`${prefix}${j}]`)) out.set(`${prefix}${sorted}]${key.slice(`${prefix}${j}]`.length)}`, text);
      }
    });
  });
  return out;
}

/** A [[models]] name, the catch-all, or a model an enabled provider lists (`doctor` asks the same). */
export function modelIsKnown(
  name: string,
  models: readonly Pick<ModelConfig, "name">[],
  providers: readonly Pick<ProviderConfig, "enabled" | "models">[],
): boolean {
  if (models.some((m) => m.name === name || m.name === CATCH_ALL_MODEL)) return true;
  return providers.some((p) => p.enabled && p.models.includes(name));
}

function checkRouter(router: RouterConfig, models: ModelConfig[], providers: ProviderConfig[], sink: Sink): void {
  for (const key of REGEX_SLOTS) {
    const source = router[key];
    if (source === undefined) continue;
    try {
      compileRegex(source);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      sink.errors.push({
        path: ["router", key],
        message: `invalid regular expression ${JSON.stringify(source)}: ${reason}`,
      });
    }
  }
  for (const key of MODEL_SLOTS) {
    const name = router[key];
    if (name === undefined || name === "" || modelIsKnown(name, models, providers)) continue;
    sink.warnings.push({
      path: ["router", key],
      message: `"${name}" is not a [[models]] name nor in any provider's models list`,
    });
  }
}

function normalizeRouter(doc: ConfigDocument["router"], sink: Sink): RouterConfig {
  if (doc.default === "")
    sink.errors.push({ path: ["router", "default"], message: "must name a model, got an empty string" });
  return definedOnly({
    default: doc.default,
    background: blank(doc.background),
    think: blank(doc.think),
    websearch: blank(doc.websearch),
    long_context: blank(doc.long_context),
    long_context_threshold: doc.long_context_threshold,
    image: blank(doc.image),
    auto_map_regex: blank(doc.auto_map_regex),
    background_regex: blank(doc.background_regex),
    think_efforts: doc.think_efforts,
    order: doc.order,
  });
}

/** The typed Config from a schema-valid document, with the cross-field checks. */
export function normalizeDocument(doc: ConfigDocument, refs: Map<string, string>, sink: Sink): Config {
  const providers = normalizeProviders(doc.providers, refs, sink);
  const byName = new Map(providers.map((p) => [p.name, p]));
  const models = doc.models.map((m, i) => normalizeModel(m, i, byName, sink));
  checkDuplicateNames(
    models.map((m) => m.name),
    "models",
    sink,
  );
  const router = normalizeRouter(doc.router, sink);
  checkRouter(router, models, providers, sink);
  const server = normalizeServer(doc.server, refs, sink);
  const config: Config = { server, router, providers, models, usage: { ...doc.usage }, prices: { ...doc.prices } };
  if (refs.size > 0) config.env_refs = configRefs(refs, doc.models);
  if (doc.context_windows) config.context_windows = doc.context_windows;
  if (doc.output_limits) config.output_limits = doc.output_limits;
  return config;
}
