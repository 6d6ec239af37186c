import type { MessagesRequest } from "../contracts/anthropic.ts";
import type { CompiledRouter } from "./compile.ts";
import type { RouteName } from "./resolve.ts";
import { extractSubagentModel, hasWebSearchTool, latestUserTurnHasImage, requestedEffort } from "./rules.ts";

export interface Decision {
  route: RouteName;
  model: string;
  reason: string;
}

/** One rule's verdict: the decision it takes, or why it passed the request on. */
export interface RuleCheck {
  route: RouteName;
  matched: boolean;
  why: string;
}

interface Context {
  req: MessagesRequest;
  router: CompiledRouter;
  tokens: number;
  /** The request to forward: `req`, or a copy whose system prompt lost its subagent tags. */
  forwarded: MessagesRequest;
}

type Rule = { route: RouteName; apply: (ctx: Context) => Decision | string };

const websearch: Rule = {
  route: "websearch",
  apply: ({ req, router }) => {
    if (!hasWebSearchTool(req)) return "no web_search server tool";
    if (!router.slots.websearch) return "a web_search tool is present, but router.websearch is unset";
    return { route: "websearch", model: router.slots.websearch, reason: "a web_search server tool is present" };
  },
};

const subagent: Rule = {
  route: "subagent",
  apply: (ctx) => {
    const tag = extractSubagentModel(ctx.req);
    if (tag.system !== undefined) ctx.forwarded = { ...ctx.req, system: tag.system };
    if (!tag.model) return "no CCM-SUBAGENT-MODEL tag in the system prompt";
    const reason = "system prompt carries a CCM-SUBAGENT-MODEL tag";
    return { route: "subagent", model: tag.model, reason };
  },
};

const longContext: Rule = {
  route: "long-context",
  apply: ({ router, tokens }) => {
    const limit = router.longContextThreshold;
    if (tokens <= limit) return `estimated ${tokens} input tokens <= long_context_threshold ${limit}`;
    if (!router.slots.long_context) return `estimated ${tokens} input tokens, but router.long_context is unset`;
    const reason = `estimated ${tokens} input tokens > long_context_threshold ${limit}`;
    return { route: "long-context", model: router.slots.long_context, reason };
  },
};

const image: Rule = {
  route: "image",
  apply: ({ req, router }) => {
    if (!latestUserTurnHasImage(req.messages)) return "the latest user turn carries no image";
    if (!router.slots.image) return "the latest user turn carries an image, but router.image is unset";
    return { route: "image", model: router.slots.image, reason: "the latest user turn carries an image" };
  },
};

/** What asks for deep thinking: an explicit budget, or an effort level listed in think_efforts. */
function thinkSignal(req: MessagesRequest, router: CompiledRouter): string | undefined {
  if (req.thinking?.type === "enabled") {
    const budget = req.thinking.budget_tokens;
    return `thinking.type is "enabled"${typeof budget === "number" ? ` (budget_tokens ${budget})` : ""}`;
  }
  if (router.order === "claude-code-mux") return undefined;
  const effort = requestedEffort(req);
  if (effort && router.thinkEfforts.has(effort)) return `output_config.effort is "${effort}" (in think_efforts)`;
  return undefined;
}

const think: Rule = {
  route: "think",
  apply: ({ req, router }) => {
    const signal = thinkSignal(req, router);
    if (!signal) {
      const effort = requestedEffort(req);
      const asked = effort ? `effort "${effort}"` : "no effort";
      return `thinking.type is ${JSON.stringify(req.thinking?.type ?? "absent")}, ${asked}: no deep-thinking signal`;
    }
    if (!router.slots.think) return `${signal}, but router.think is unset`;
    return { route: "think", model: router.slots.think, reason: signal };
  },
};

const background: Rule = {
  route: "background",
  apply: ({ req, router }) => {
    if (!router.background.test(req.model)) return `model "${req.model}" does not match background_regex`;
    if (!router.slots.background)
      return `model "${req.model}" matches background_regex, but router.background is unset`;
    const reason = `model "${req.model}" matches background_regex`;
    return { route: "background", model: router.slots.background, reason };
  },
};

/**
 * Today's order puts background before think: Claude Code's haiku calls (titles, summaries,
 * quota probes) carry an explicit thinking budget, and they belong on the cheap model.
 */
const CURRENT_ORDER: Rule[] = [websearch, subagent, longContext, image, background, think];
/** claude-code-mux's order (think before background), for configs that rely on it. */
const CLAUDE_CODE_MUX_ORDER: Rule[] = [websearch, subagent, longContext, image, think, background];

function fallback(req: MessagesRequest, router: CompiledRouter): Decision {
  const original = req.model;
  if (!router.autoMap.test(original))
    return { route: "default", model: original, reason: `model "${original}" used as given` };
  return { route: "default", model: router.slots.default, reason: `model "${original}" auto-mapped to router.default` };
}

/**
 * Runs the rules in order; the first that matches decides. `checks` gets every verdict up to it.
 * `request` is the one to forward (subagent tags stripped, in a copy).
 */
export function decide(
  req: MessagesRequest,
  router: CompiledRouter,
  tokens: number,
  checks?: RuleCheck[],
): Decision & { request: MessagesRequest } {
  const ctx: Context = { req, router, tokens, forwarded: req };
  const rules = router.order === "claude-code-mux" ? CLAUDE_CODE_MUX_ORDER : CURRENT_ORDER;
  for (const rule of rules) {
    const verdict = rule.apply(ctx);
    if (typeof verdict !== "string") {
      checks?.push({ route: rule.route, matched: true, why: verdict.reason });
      return { ...verdict, request: ctx.forwarded };
    }
    checks?.push({ route: rule.route, matched: false, why: verdict });
  }
  const decision = fallback(req, router);
  checks?.push({ route: "default", matched: true, why: decision.reason });
  return { ...decision, request: ctx.forwarded };
}
