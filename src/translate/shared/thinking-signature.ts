/**
 * Signature put on thinking blocks synthesised from a non-Anthropic upstream's reasoning.
 * Claude Code drops a thinking block whose signature is empty, so it needs a value; Anthropic
 * would reject it, so adapters that forward to Anthropic strip blocks carrying it.
 */
export const PLACEHOLDER_SIGNATURE = "ccmux-unsigned-thinking-v1";

export function isPlaceholderSignature(signature: unknown): boolean {
  return signature === PLACEHOLDER_SIGNATURE;
}
