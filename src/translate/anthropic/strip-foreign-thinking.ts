import type { ContentBlock, MessagesRequest } from "../../contracts/anthropic.ts";

/** Every signature ccmux mints for a non-Anthropic upstream's reasoning starts with this. */
export const CCMUX_SIGNATURE_PREFIX = "ccmux-";

function isForeignThinking(block: ContentBlock): boolean {
  return (
    block.type === "thinking" &&
    typeof block.signature === "string" &&
    block.signature.startsWith(CCMUX_SIGNATURE_PREFIX)
  );
}

/**
 * Thinking blocks that another upstream produced (signed by ccmux, not by Anthropic) would be
 * rejected by Anthropic's signature check, so they are dropped before a pass-through forward.
 * Returns the request itself when there is nothing to drop (the common case: no copy).
 */
export function stripForeignThinking(req: MessagesRequest): MessagesRequest {
  let messages: MessagesRequest["messages"] | undefined;
  req.messages.forEach((msg, i) => {
    if (msg.role !== "assistant" || !Array.isArray(msg.content) || !msg.content.some(isForeignThinking)) return;
    messages ??= [...req.messages];
    messages[i] = { ...msg, content: msg.content.filter((b) => !isForeignThinking(b)) };
  });
  return messages ? { ...req, messages } : req;
}
