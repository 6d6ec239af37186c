import { type ContentBlock, contentBlocks, type Message } from "../../contracts/anthropic.ts";

/**
 * Adds blocks to a conversation being built from a front door's request: consecutive same-role
 * turns are merged (as Anthropic's API would), and a user turn's tool_result blocks come first.
 */
export function appendTurn(acc: { messages: Message[] }, role: "user" | "assistant", blocks: ContentBlock[]): void {
  if (blocks.length === 0) return;
  const last = acc.messages.at(-1);
  if (!last || last.role !== role) {
    acc.messages.push({ role, content: blocks });
    return;
  }
  const merged = [...contentBlocks(last.content), ...blocks];
  // Anthropic wants a user turn's tool_result blocks before anything else in it.
  last.content = [...merged.filter((b) => b.type === "tool_result"), ...merged.filter((b) => b.type !== "tool_result")];
}
