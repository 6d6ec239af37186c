import type { Config } from "../config/types.ts";
import { explainRoute, probeRequest } from "../router/explain.ts";

/** The model names Claude Code sends on its own (main model, opus plan mode, haiku background calls). */
const CLAUDE_CODE_MODELS = ["claude-sonnet-4-6", "claude-opus-4-6", "claude-haiku-4-5"];
const PROBE_FEATURES = [{}, { thinking: true }, { effort: "max" }, { tools: ["web_search"] }];
const SLOTS = ["default", "background", "think", "websearch", "long_context", "image"] as const;

/** Provider names the requests Claude Code sends can reach: every router slot, and the routes its model names take. */
function providersClaudeCodeReaches(config: Config): Set<string> {
  const reached = new Set<string>();
  const slotModels = new Set(SLOTS.map((slot) => config.router[slot]).filter((m): m is string => !!m));
  for (const model of config.models)
    if (slotModels.has(model.name)) for (const m of model.mappings) reached.add(m.provider);
  for (const model of CLAUDE_CODE_MODELS)
    for (const features of PROBE_FEATURES)
      for (const entry of explainRoute(config, probeRequest({ model, ...features })).chain)
        if (entry.usable) reached.add(entry.provider);
  return reached;
}

/**
 * Whether Claude Code's own credentials must reach an upstream: some enabled pass-through provider
 * answers a request Claude Code sends. A pass-through provider behind a catch-all that Claude Code's
 * model names never reach (the starter template's "*" once the router has a default of its own) does not count.
 */
export function claudeCodeNeedsOwnCredentials(config: Config): boolean {
  const passthrough = config.providers.filter((p) => p.auth_type === "passthrough" && p.enabled).map((p) => p.name);
  if (passthrough.length === 0) return false;
  const reached = providersClaudeCodeReaches(config);
  return passthrough.some((name) => reached.has(name));
}
