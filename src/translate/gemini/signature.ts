/**
 * Gemini `thoughtSignature`s ride in Anthropic thinking-block signatures, which Claude Code
 * echoes back verbatim (protocol.md §2.5, §5.3). Format:
 * `ccmux-gemini-v1:<kind>:<scope>:<toolUseId>:<signature>`, where kind says which part the
 * signature belongs to on replay:
 * - `thought`: the thinking block's own thought part;
 * - `call`: the functionCall part of tool_use `<toolUseId>` (the block itself is empty);
 * - `text`: the text part just before this (empty) block.
 * `scope` names the upstream that minted it (empty = any); signatures are not valid elsewhere.
 */
export const GEMINI_SIGNATURE_PREFIX = "ccmux-gemini-v1:";

/** Documented stand-in for a functionCall signature Gemini 3 demands but ccmux never received. */
export const SKIP_SIGNATURE_VALIDATOR = "skip_thought_signature_validator";

export type ParkedKind = "thought" | "call" | "text";

export interface ParkedSignature {
  kind: ParkedKind;
  scope: string;
  toolUseId: string;
  signature: string;
}

const KINDS: readonly ParkedKind[] = ["thought", "call", "text"];

export function parkSignature(p: ParkedSignature): string {
  return `${GEMINI_SIGNATURE_PREFIX}${p.kind}:${encodeURIComponent(p.scope)}:${p.toolUseId}:${p.signature}`;
}

export function unparkSignature(value: unknown): ParkedSignature | undefined {
  if (typeof value !== "string" || !value.startsWith(GEMINI_SIGNATURE_PREFIX)) return undefined;
  const fields = value.slice(GEMINI_SIGNATURE_PREFIX.length).split(":");
  if (fields.length < 4) return undefined;
  const [named, scope = "", toolUseId = ""] = fields;
  const kind = KINDS.find((k) => k === named);
  const signature = fields.slice(3).join(":");
  if (kind === undefined || signature === "") return undefined;
  try {
    return { kind, scope: decodeURIComponent(scope), toolUseId, signature };
  } catch {
    return undefined;
  }
}

/** A parked signature may be replayed to `scope` unless both name different upstreams. */
export function signatureUsable(p: ParkedSignature | undefined, scope: string | undefined): p is ParkedSignature {
  return p !== undefined && (!scope || !p.scope || p.scope === scope);
}
