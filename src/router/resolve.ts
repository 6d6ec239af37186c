import type { ModelMapping } from "../config/types.ts";
import type { MessagesRequest } from "../contracts/anthropic.ts";
import { RequestError } from "../util/errors.ts";
import { CATCH_ALL_MODEL, KEEP_MODEL, type CompiledRouter } from "./compile.ts";
import {
  estimateInputTokens,
  extractSubagentModel,
  hasWebSearchTool,
  isThinkingEnabled,
  latestUserTurnHasImage,
} from "./rules.ts";

export type RouteName = "default" | "background" | "think" | "websearch" | "subagent" | "long-context" | "image";

export interface Candidate {
  provider: string;
  model: string;
}

export interface Resolution {
  route: RouteName;
  /** The virtual model (a `[[models]]` name) the route chose. */
  model: string;
  candidates: Candidate[];
  /** Why this route was taken, for `ccmux route` and debug logs. */
  reason: string;
  /** The router changed the request (stripped subagent tags), so its original bytes are stale. */
  rewritten: boolean;
  estimatedTokens: number;
}

interface Decision {
  route: RouteName;
  model: string;
  reason: string;
  rewritten?: boolean;
}

/**
 * claude-code-mux's order (auto-map → websearch → subagent → think → background → default)
 * with long-context and image inserted after subagent: a request that only fits a large
 * or a vision model must go there whatever else it asks for.
 */
function decide(req: MessagesRequest, router: CompiledRouter, tokens: number): Decision {
  const original = req.model;
  const slots = router.slots;
  const mapped = router.autoMap.test(original) ? slots.default : original;
  if (slots.websearch && hasWebSearchTool(req)) {
    return { route: "websearch", model: slots.websearch, reason: "a web_search server tool is present" };
  }
  const tag = extractSubagentModel(req);
  if (tag.model)
    return {
      route: "subagent",
      model: tag.model,
      reason: "system prompt carries a CCM-SUBAGENT-MODEL tag",
      rewritten: true,
    };
  return { ...decideUntagged(req, router, tokens, mapped), rewritten: tag.stripped };
}

function decideUntagged(req: MessagesRequest, router: CompiledRouter, tokens: number, mapped: string): Decision {
  const original = req.model;
  const slots = router.slots;
  if (slots.long_context && tokens > router.longContextThreshold) {
    return {
      route: "long-context",
      model: slots.long_context,
      reason: `estimated ${tokens} input tokens > long_context_threshold ${router.longContextThreshold}`,
    };
  }
  if (slots.image && latestUserTurnHasImage(req.messages)) {
    return { route: "image", model: slots.image, reason: "the latest user turn carries an image" };
  }
  if (slots.think && isThinkingEnabled(req)) {
    return { route: "think", model: slots.think, reason: 'thinking.type is "enabled"' };
  }
  if (slots.background && router.background.test(original)) {
    return { route: "background", model: slots.background, reason: `model "${original}" matches background_regex` };
  }
  const reason =
    mapped === original ? `model "${original}" used as given` : `model "${original}" auto-mapped to router.default`;
  return { route: "default", model: mapped, reason };
}

function mappingsFor(router: CompiledRouter, model: string): ModelMapping[] {
  const exact = router.models.get(model);
  if (exact) return exact;
  const catchAll = router.models.get(CATCH_ALL_MODEL);
  if (catchAll) return catchAll;
  const names = router.modelNames.length ? router.modelNames.join(", ") : "(none configured)";
  throw new RequestError(`model "${model}" is not configured in ccmux. Configured models: ${names}`, 404);
}

function toCandidates(
  mappings: ModelMapping[],
  requested: string,
  xProvider: string | null,
  model: string,
): Candidate[] {
  let chosen = mappings;
  if (xProvider) {
    chosen = mappings.filter((m) => m.provider === xProvider);
    if (chosen.length === 0) {
      throw new RequestError(`Provider '${xProvider}' not found in mappings for model '${model}'`, 400);
    }
  }
  return chosen.map((m) => ({
    provider: m.provider,
    model: m.actual_model === KEEP_MODEL ? requested : m.actual_model,
  }));
}

/** Picks the route and the ordered provider chain. Strips subagent tags from `req.system` in place. */
export function resolveRoute(
  req: MessagesRequest,
  router: CompiledRouter,
  opts: { bodyLength: number; xProvider?: string | null },
): Resolution {
  const tokens = estimateInputTokens(req, opts.bodyLength);
  const decision = decide(req, router, tokens);
  const mappings = mappingsFor(router, decision.model);
  const requested = decision.route === "default" ? decision.model : req.model;
  const candidates = toCandidates(mappings, requested, opts.xProvider ?? null, decision.model);
  return { ...decision, rewritten: decision.rewritten ?? false, candidates, estimatedTokens: tokens };
}

/** The candidates of one virtual model, as a route to it would have them (the long-context retry uses it). */
export function candidatesOf(router: CompiledRouter, model: string, requested: string): Candidate[] {
  return toCandidates(mappingsFor(router, model), requested, null, model);
}
