import type { MessagesRequest, TextBlock } from "../contracts/anthropic.ts";

export const OAUTH_BETA = "oauth-2025-04-20";
export const CLAUDE_CODE_IDENTITY = "You are Claude Code, Anthropic's official CLI for Claude.";
/** The identity lines Claude Code itself sends (protocol.md §2.5); all are accepted with a subscription token. */
export const CLAUDE_CODE_IDENTITIES = [
  CLAUDE_CODE_IDENTITY,
  "You are a Claude agent, built on Anthropic's Claude Agent SDK.",
  "You are Claude Code, Anthropic's official CLI for Claude, running within the Claude Agent SDK.",
] as const;
const BILLING_PREFIX = "x-anthropic-billing-header:";

export interface ShapedClaudeRequest {
  body: MessagesRequest;
  headers: {
    /** Headers to set on the upstream request (replacing any the client sent). */
    set: Record<string, string>;
    /** Headers to remove from the upstream request. */
    delete: string[];
  };
}

/** The parts of a provider's wire rules (providers/wire-shape.ts) the shaping reads. */
export interface ClaudeWireRules {
  forward: readonly string[];
  markers: Readonly<Record<string, string>>;
  leadingBetas: readonly string[];
}

const CLAUDE_CODE_BETA = "claude-code-20250219";

function splitBetas(list: string | null): string[] {
  return [...new Set((list ?? "").split(",").map((b) => b.trim()))].filter(Boolean);
}

/** The client's betas plus the required ones, deduplicated, in the client's order. */
export function mergeBetas(inbound: string | null, ...required: string[]): string {
  return splitBetas([inbound ?? "", ...required].join(",")).join(",");
}

/**
 * Claude Code's own order: the OAuth beta goes right after `claude-code-20250219` (or first, on
 * haiku calls, which have no claude-code beta). Other clients' lists open with the leading set.
 */
export function orderClaudeBetas(inbound: string | null, claudeCode: boolean, leading: readonly string[]): string {
  const betas = splitBetas(inbound).filter((b) => b !== OAUTH_BETA);
  if (!claudeCode) return [...new Set([...leading, ...betas])].join(",");
  const at = betas.indexOf(CLAUDE_CODE_BETA);
  betas.splice(at + 1, 0, OAUTH_BETA);
  return betas.join(",");
}

/** Claude Code (and the Agent SDK) say `claude-cli/<version> (external, …)`. */
export function isClaudeCodeClient(inbound: Headers): boolean {
  return (inbound.get("user-agent") ?? "").startsWith("claude-cli/");
}

function hasIdentity(blocks: TextBlock[]): boolean {
  return blocks.some(
    (b) => typeof b.text === "string" && CLAUDE_CODE_IDENTITIES.some((id) => b.text.trimStart().startsWith(id)),
  );
}

/**
 * System blocks opening with the Claude Code identity line: kept as sent when one of the identity
 * strings is among the first two blocks after the billing line, otherwise prepended as its own
 * block (after the billing line, which must stay first).
 */
export function withIdentity(system: MessagesRequest["system"]): TextBlock[] {
  const blocks: TextBlock[] =
    typeof system === "string"
      ? system
        ? [{ type: "text", text: system }]
        : []
      : Array.isArray(system)
        ? [...system]
        : [];
  const billing = blocks[0]?.type === "text" && blocks[0].text?.startsWith(BILLING_PREFIX) ? 1 : 0;
  if (hasIdentity(blocks.slice(billing, billing + 2))) return blocks;
  blocks.splice(billing, 0, { type: "text", text: CLAUDE_CODE_IDENTITY });
  return blocks;
}

/** Claude Code's own headers named by the rules' allow-list, relayed as sent; the rules' markers for any other client. */
export function identifyingHeaders(
  inbound: Headers,
  rules: Pick<ClaudeWireRules, "forward" | "markers">,
): Record<string, string> {
  if (!isClaudeCodeClient(inbound)) return { ...rules.markers };
  const set: Record<string, string> = {};
  for (const name of rules.forward) {
    const value = inbound.get(name);
    if (value) set[name] = value;
  }
  return set;
}

/**
 * Shapes a request for a Claude Pro/Max subscription token: Bearer auth (no x-api-key), Claude Code's
 * beta order, the identity block at the top of the system prompt, and the identifying headers: relayed from Claude Code through the allow-list, or ccmux's
 * marker set for any other client. Pure: the input body is not modified.
 */
export function shapeClaudeOAuthRequest(
  body: MessagesRequest,
  inbound: Headers,
  rules: ClaudeWireRules,
  accessToken?: string,
): ShapedClaudeRequest {
  const claudeCode = isClaudeCodeClient(inbound);
  const set: Record<string, string> = {
    "anthropic-beta": orderClaudeBetas(inbound.get("anthropic-beta"), claudeCode, rules.leadingBetas),
  };
  Object.assign(set, identifyingHeaders(inbound, rules));
  if (accessToken !== undefined) set.authorization = `Bearer ${accessToken}`;
  return {
    body: { ...body, system: withIdentity(body.system) },
    headers: { set, delete: ["x-api-key"] },
  };
}
