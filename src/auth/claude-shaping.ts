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

/** The client's betas plus the OAuth beta, deduplicated, in the client's order. */
export function mergeBetas(inbound: string | null, ...required: string[]): string {
  const seen = new Set<string>();
  for (const beta of [...(inbound ?? "").split(","), ...required]) {
    const b = beta.trim();
    if (b) seen.add(b);
  }
  return [...seen].join(",");
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

/**
 * Shapes a request for a Claude Pro/Max subscription token: Bearer auth (no x-api-key), the OAuth
 * beta merged into the client's betas, and the Claude Code identity at the top of the system prompt.
 * Pure: the input body is not modified.
 */
export function shapeClaudeOAuthRequest(
  body: MessagesRequest,
  inboundBeta: string | null,
  accessToken?: string,
): ShapedClaudeRequest {
  const set: Record<string, string> = { "anthropic-beta": mergeBetas(inboundBeta, OAUTH_BETA) };
  if (accessToken !== undefined) set.authorization = `Bearer ${accessToken}`;
  return {
    body: { ...body, system: withIdentity(body.system) },
    headers: { set, delete: ["x-api-key"] },
  };
}
