import type { ModelMapping } from "../config/types.ts";
import type { MessagesRequest } from "../contracts/anthropic.ts";
import { RequestError } from "../util/errors.ts";
import { CATCH_ALL_MODEL, KEEP_MODEL, type CompiledRouter } from "./compile.ts";
import { decide, type RuleCheck } from "./decide.ts";
import { estimateInputTokens } from "./rules.ts";
import { assertModelName } from "./model-name.ts";

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
  /** The request to forward: the client's own object, or a copy without its subagent tags. */
  request: MessagesRequest;
  estimatedTokens: number;
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

/** Picks the route and the ordered provider chain; the client's request object is never changed. */
export function resolveRoute(
  req: MessagesRequest,
  router: CompiledRouter,
  opts: { bodyLength: number; xProvider?: string | null; checks?: RuleCheck[] },
): Resolution {
  assertModelName(req.model);
  const tokens = estimateInputTokens(req, opts.bodyLength);
  const decision = decide(req, router, tokens, opts.checks);
  const mappings = mappingsFor(router, decision.model);
  const requested = decision.route === "default" ? decision.model : req.model;
  const candidates = toCandidates(mappings, requested, opts.xProvider ?? null, decision.model);
  return { ...decision, candidates, estimatedTokens: tokens };
}

/** The candidates of one virtual model, as a route to it would have them (the long-context retry uses it). */
export function candidatesOf(router: CompiledRouter, model: string, requested: string): Candidate[] {
  return toCandidates(mappingsFor(router, model), requested, null, model);
}
