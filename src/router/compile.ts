import type { Config, ModelMapping, RouterConfig } from "../config/types.ts";
import { compileRegex } from "../config/regex.ts";

export const CATCH_ALL_MODEL = "*";
/** `actual_model = "*"` keeps the model name the client asked for. */
export const KEEP_MODEL = "*";

/** Everything the router needs, computed once per config load. */
export interface CompiledRouter {
  slots: RouterConfig;
  autoMap: RegExp;
  background: RegExp;
  longContextThreshold: number;
  /** Model name → mappings sorted by ascending priority (stable). */
  models: Map<string, ModelMapping[]>;
  modelNames: string[];
}

export const DEFAULT_AUTO_MAP = "^claude-";
export const DEFAULT_BACKGROUND = "(?i)claude.*haiku";

export function compileRouter(config: Config): CompiledRouter {
  const models = new Map<string, ModelMapping[]>();
  for (const model of config.models) {
    const sorted = [...model.mappings].sort((a, b) => a.priority - b.priority);
    models.set(model.name, sorted);
  }
  const slots = config.router;
  return {
    slots,
    autoMap: compileRegex(slots.auto_map_regex || DEFAULT_AUTO_MAP),
    background: compileRegex(slots.background_regex || DEFAULT_BACKGROUND),
    longContextThreshold: slots.long_context_threshold,
    models,
    modelNames: config.models.map((m) => m.name),
  };
}
