import type { ContentBlock, Message, TextBlock } from "../../../contracts/anthropic.ts";
import { RequestError } from "../../../util/errors.ts";
import { isIndexable } from "../../../util/is-record.ts";
import { appendTurn as append } from "../../shared/turns.ts";
import { contentBlocks, contentText, toolUseBlock } from "./request-content.ts";

export interface ConvertedMessages {
  system: TextBlock[];
  messages: Message[];
}

interface Acc extends ConvertedMessages {
  toolIds: Set<string>;
}

/**
 * OpenAI messages → Anthropic system + messages. System/developer messages go to `system`;
 * tool messages become tool_result blocks at the head of the next user turn (consecutive
 * same-role turns are merged, so a following user message joins them).
 */
export function convertMessages(raw: unknown): ConvertedMessages {
  if (!Array.isArray(raw) || raw.length === 0) throw new RequestError("messages must be a non-empty array");
  const acc: Acc = { system: [], messages: [], toolIds: new Set() };
  for (const [i, msg] of raw.entries()) addMessage(acc, msg, `messages[${i}]`);
  if (acc.messages.length === 0) throw new RequestError("messages must contain at least one user or assistant message");
  return { system: acc.system, messages: acc.messages };
}

function addMessage(acc: Acc, raw: unknown, where: string): void {
  if (!isIndexable(raw)) throw new RequestError(`${where} must be an object`);
  const msg = raw;
  switch (msg.role) {
    case "system":
    case "developer": {
      const text = contentText(msg.content, where);
      if (text !== "") acc.system.push({ type: "text", text });
      return;
    }
    case "user":
      return append(acc, "user", contentBlocks(msg.content, where));
    case "assistant":
      return append(acc, "assistant", assistantBlocks(acc, msg, where));
    case "tool":
      return append(acc, "user", [toolResult(acc, msg, where)]);
    default:
      throw new RequestError(
        `${where}.role ${JSON.stringify(msg.role)} is not supported (use system, developer, user, assistant or tool)`,
      );
  }
}

function assistantBlocks(acc: Acc, msg: { content?: unknown; tool_calls?: unknown }, where: string): ContentBlock[] {
  const blocks: ContentBlock[] = contentBlocks(msg.content, where).filter((b) => b.type === "text");
  if (msg.tool_calls === undefined || msg.tool_calls === null) return blocks;
  if (!Array.isArray(msg.tool_calls)) throw new RequestError(`${where}.tool_calls must be an array`);
  msg.tool_calls.forEach((call, j) => {
    const block = toolUseBlock(call, `${where}.tool_calls[${j}]`);
    acc.toolIds.add(block.id);
    blocks.push(block);
  });
  return blocks;
}

function toolResult(acc: Acc, msg: { tool_call_id?: unknown; content?: unknown }, where: string): ContentBlock {
  const id = msg.tool_call_id;
  if (typeof id !== "string" || id === "") throw new RequestError(`${where}.tool_call_id must be a non-empty string`);
  if (!acc.toolIds.has(id))
    throw new RequestError(
      `${where}.tool_call_id ${JSON.stringify(id)} does not match any earlier assistant tool call`,
    );
  return { type: "tool_result", tool_use_id: id, content: contentText(msg.content, where) };
}
