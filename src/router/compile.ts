import type { Config, ModelMapping, RouteOrder, RouterConfig } from "../config/types.ts";
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
  /** Rule order: today's (background before think) or claude-code-mux's. */
  order: RouteOrder;
  /** Effort levels (`output_config.effort`) that take the think route. */
  thinkEfforts: ReadonlySet<string>;
  /** Model name → mappings sorted by ascending priority (stable). */
  models: Map<string, ModelMapping[]>;
  modelNames: string[];
}

export const DEFAULT_AUTO_MAP = "^claude-";
export const DEFAULT_BACKGROUND = "(?i)claude.*haiku";
/** Claude Code 2.1.332 runs `ultrathink` turns at xhigh; max is the top level. See docs/claude-code-wire.md. */
export const DEFAULT_THINK_EFFORTS = ["xhigh", "max"];

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
    order: slots.order ?? "claude-code",
    thinkEfforts: new Set(slots.think_efforts ?? DEFAULT_THINK_EFFORTS),
    models,
    modelNames: config.models.map((m) => m.name),
  };
}
