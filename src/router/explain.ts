import type { Config } from "../config/types.ts";
import type { MessagesRequest, Tool } from "../contracts/anthropic.ts";
import { compileRouter } from "./compile.ts";
import type { RuleCheck } from "./decide.ts";
import { resolveRoute, type RouteName } from "./resolve.ts";

export interface ProbeOptions {
  /** A request body to start from (e.g. one captured from Claude Code). */
  base?: Record<string, unknown>;
  model?: string;
  thinking?: boolean;
  /** `output_config.effort`, as Claude Code 2.1.x sends it (low, medium, high, xhigh, max). */
  effort?: string;
  /** Tool names; "web_search" becomes Anthropic's web search server tool. */
  tools?: string[];
}

export const DEFAULT_PROBE_MODEL = "claude-sonnet-4-6";

function probeTool(name: string): Tool {
  if (name.startsWith("web_search")) return { type: "web_search_20250305", name: "web_search" } as Tool;
  return { name, description: name, input_schema: { type: "object", properties: {} } } as Tool;
}

/** The request `ccmux route` asks about: the file's body, with the flags applied on top. */
export function probeRequest(opts: ProbeOptions): MessagesRequest {
  const req = { max_tokens: 1024, messages: [{ role: "user", content: "hello" }], ...opts.base } as MessagesRequest;
  if (opts.model) req.model = opts.model;
  if (typeof req.model !== "string" || req.model === "") req.model = DEFAULT_PROBE_MODEL;
  if (opts.thinking) req.thinking = { type: "enabled", budget_tokens: 1024 } as MessagesRequest["thinking"];
  if (opts.effort) req.output_config = { ...(req.output_config as object | undefined), effort: opts.effort };
  if (opts.tools?.length) req.tools = [...(req.tools ?? []), ...opts.tools.map(probeTool)];
  return req;
}

export interface ChainEntry {
  provider: string;
  model: string;
  provider_type?: string;
  /** False when the provider is disabled or not configured: failover skips it. */
  usable: boolean;
  note?: string;
}

export interface Explanation {
  requested_model: string;
  route: RouteName;
  virtual_model: string;
  reason: string;
  /** Every rule tried, in order, up to the one that decided. */
  checks: RuleCheck[];
  estimated_tokens: number;
  chain: ChainEntry[];
}

/** The routing decision for `req` under `config`, without sending anything: `ccmux route` and the web UI both ask here. */
export function explainRoute(config: Config, req: MessagesRequest, opts: { xProvider?: string } = {}): Explanation {
  const requested = req.model;
  const bodyLength = JSON.stringify(req).length;
  const checks: RuleCheck[] = [];
  const resolution = resolveRoute(req, compileRouter(config), { bodyLength, xProvider: opts.xProvider, checks });
  const chain = resolution.candidates.map((c): ChainEntry => {
    const provider = config.providers.find((p) => p.name === c.provider);
    if (!provider) return { ...c, usable: false, note: "not configured" };
    if (!provider.enabled) return { ...c, provider_type: provider.provider_type, usable: false, note: "disabled" };
    return { ...c, provider_type: provider.provider_type, usable: true };
  });
  return {
    requested_model: requested,
    route: resolution.route,
    virtual_model: resolution.model,
    reason: resolution.reason,
    checks,
    estimated_tokens: resolution.estimatedTokens,
    chain,
  };
}
