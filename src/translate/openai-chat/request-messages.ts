import {
  type ContentBlock,
  knownBlock,
  type Message,
  type MessagesRequest,
  type ToolResultBlock,
  type ToolUseBlock,
} from "../../contracts/anthropic.ts";
import { RequestError } from "../../util/errors.ts";
import { callOrderOf, inCallOrder } from "../shared/call-order.ts";
import { blocksOf, blockText, imagePart, joinTexts, partsToContent, toolResultContent } from "./request-content.ts";
import type { ChatAssistantMessage, ChatContentPart, ChatMessage, ChatToolCall, ChatToolMessage } from "./types.ts";

export interface ChatMessagesOptions {
  model: string;
  supportsImages: boolean;
  /** Replay assistant thinking as `reasoning_content` (DeepSeek and Moonshot demand it in tool loops). */
  replayReasoning: boolean;
  log?: (msg: string) => void;
}

/** Claude Code's first system block changes on every request; sending it defeats upstream prefix caches. */
const BILLING_PREFIX = "x-anthropic-billing-header:";

interface Builder {
  out: ChatMessage[];
  /** Where the tool messages answering the latest assistant turn go: right after that turn. */
  toolInsertAt: number;
  toolIds: Set<string>;
  /** The latest assistant turn's calls, in order: tool messages go back in that order. */
  callOrder: Map<string, number>;
  opts: ChatMessagesOptions;
}

export function toChatMessages(req: MessagesRequest, opts: ChatMessagesOptions): ChatMessage[] {
  if (!Array.isArray(req.messages) || req.messages.length === 0) {
    throw new RequestError("messages: at least one message is required");
  }
  const b: Builder = { out: [], toolInsertAt: 0, toolIds: new Set(), callOrder: new Map(), opts };
  const system = systemText(req.system);
  if (system !== "") b.out.push({ role: "system", content: system });
  for (const [i, msg] of req.messages.entries()) addMessage(b, msg, `messages[${i}]`);
  return b.out;
}

function systemText(system: MessagesRequest["system"]): string {
  if (system === undefined || system === null) return "";
  if (typeof system === "string") return system;
  if (!Array.isArray(system)) throw new RequestError("system must be a string or an array of text blocks");
  return joinTexts(system.filter((blk) => !(typeof blk.text === "string" && blk.text.startsWith(BILLING_PREFIX))));
}

function addMessage(b: Builder, msg: Message, where: string): void {
  if (msg === null || typeof msg !== "object") throw new RequestError(`${where} must be an object`);
  switch (msg.role) {
    case "system": {
      const text = joinTexts(blocksOf(msg.content, where));
      if (text !== "") b.out.push({ role: "system", content: text });
      return;
    }
    case "assistant":
      return addAssistant(b, blocksOf(msg.content, where));
    case "user":
      return addUser(b, blocksOf(msg.content, where), where);
    default:
      throw new RequestError(`${where}.role must be "user", "assistant" or "system", got ${JSON.stringify(msg.role)}`);
  }
}

function addAssistant(b: Builder, blocks: ContentBlock[]): void {
  const texts: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const block of blocks) {
    const known = knownBlock(block);
    if (known?.type === "text") texts.push(String(known.text ?? ""));
    else if (known?.type === "thinking" && typeof known.thinking === "string") reasoning.push(known.thinking);
    else if (known?.type === "tool_use") toolCalls.push(toolCall(b, known));
  }
  const text = texts.join("\n");
  if (text === "" && toolCalls.length === 0) return;
  const msg: ChatAssistantMessage = { role: "assistant", content: text === "" ? null : text };
  if (toolCalls.length > 0) {
    msg.tool_calls = toolCalls;
    b.callOrder = callOrderOf(toolCalls.map((c) => c.id));
  }
  const thought = reasoning.join("");
  if (b.opts.replayReasoning && thought !== "") msg.reasoning_content = thought;
  b.out.push(msg);
  b.toolInsertAt = b.out.length;
}

function toolCall(b: Builder, block: ToolUseBlock): ChatToolCall {
  b.toolIds.add(block.id);
  return {
    id: block.id,
    type: "function",
    function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
  };
}

function addUser(b: Builder, blocks: ContentBlock[], where: string): void {
  const tools: ChatToolMessage[] = [];
  const toolImages: ChatContentPart[] = [];
  const parts: ChatContentPart[] = [];
  blocks.forEach((block, j) => {
    const at = `${where}.content[${j}]`;
    const known = knownBlock(block);
    if (known?.type === "tool_result") {
      const result = toolResult(b, known, at);
      tools.push(result.message);
      if (result.images.length > 0)
        toolImages.push({ type: "text", text: `Image output of tool call ${known.tool_use_id}:` }, ...result.images);
    } else if (known?.type === "image") {
      if (!b.opts.supportsImages) throw noImages(b.opts.model, at);
      parts.push(imagePart(known, at));
    } else {
      const text = blockText(block);
      if (text !== undefined) parts.push({ type: "text", text });
      else b.opts.log?.(`${at}: dropping a "${block.type}" block the upstream cannot take`);
    }
  });
  b.out.splice(b.toolInsertAt, 0, ...inCallOrder(tools, (t) => t.tool_call_id, b.callOrder));
  b.toolInsertAt += tools.length;
  const all = [...toolImages, ...parts];
  if (all.length > 0) b.out.push({ role: "user", content: partsToContent(all) });
}

function toolResult(b: Builder, block: ToolResultBlock, where: string) {
  if (typeof block.tool_use_id !== "string" || !b.toolIds.has(block.tool_use_id)) {
    throw new RequestError(
      `${where}: tool_result.tool_use_id ${JSON.stringify(block.tool_use_id)} does not match any tool_use in an earlier assistant message`,
    );
  }
  const { text, images } = toolResultContent(block, b.opts.supportsImages, where);
  const message: ChatToolMessage = { role: "tool", tool_call_id: block.tool_use_id, content: text };
  return { message, images };
}

function noImages(model: string, where: string): RequestError {
  return new RequestError(
    `${where}: the request contains an image, but model "${model}" does not accept images. Route image requests to a vision model ([router] image = "...").`,
  );
}
