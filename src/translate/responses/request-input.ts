import {
  type ContentBlock,
  type DocumentBlock,
  type ImageSource,
  knownBlock,
  knownSource,
  type Message,
  type ToolResultBlock,
  type ToolUseBlock,
} from "../../contracts/anthropic.ts";
import { RequestError } from "../../util/errors.ts";
import { callOrderOf, inCallOrder } from "../shared/call-order.ts";
import { decodeReasoningSignature, toolUseIdToCallId } from "./opaque-state.ts";
import type {
  FunctionCallItem,
  FunctionCallOutputItem,
  InputContent,
  InputItem,
  OutputText,
  ReasoningItem,
} from "./types.ts";

/** Anthropic messages → Responses input items, in order. */
export function toInputItems(messages: Message[]): InputItem[] {
  const items: InputItem[] = [];
  let callOrder = new Map<string, number>();
  for (const message of messages) {
    if (message.role === "assistant") {
      const blocks = blocksOf(message.content);
      const ids = blocks.flatMap((b) => {
        const known = knownBlock(b);
        return known?.type === "tool_use" ? [known.id] : [];
      });
      if (ids.length > 0) callOrder = callOrderOf(ids);
      items.push(...assistantItems(blocks));
    } else if (message.role === "system") pushMessage(items, "developer", textParts(blocksOf(message.content)));
    else items.push(...userItems(blocksOf(message.content), callOrder));
  }
  return items;
}

export function developerMessage(text: string): InputItem {
  return { type: "message", role: "developer", content: [{ type: "input_text", text }] };
}

function blocksOf(content: Message["content"] | undefined): ContentBlock[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  return Array.isArray(content) ? content : [];
}

function pushMessage(items: InputItem[], role: "user" | "developer", content: InputContent[]): void {
  if (content.length > 0) items.push({ type: "message", role, content });
}

function textParts(blocks: ContentBlock[]): InputContent[] {
  return blocks.flatMap((b) =>
    b.type === "text" && typeof b.text === "string" && b.text !== ""
      ? [{ type: "input_text" as const, text: b.text }]
      : [],
  );
}

/**
 * tool_result blocks become function_call_output items; their images can't ride in a string
 * output, so they follow in one user message, ahead of the turn's own content.
 */
function userItems(blocks: ContentBlock[], callOrder: ReadonlyMap<string, number>): InputItem[] {
  const items: InputItem[] = [];
  const toolImages: InputContent[] = [];
  const parts: InputContent[] = [];
  const results = blocks.flatMap((b) => {
    const known = knownBlock(b);
    return known?.type === "tool_result" ? [known] : [];
  });
  for (const block of inCallOrder(results, (b) => b.tool_use_id, callOrder)) {
    const { item, images } = toolResultItem(block);
    items.push(item);
    if (images.length > 0)
      toolImages.push({ type: "input_text", text: `Image output of tool call ${item.call_id}:` }, ...images);
  }
  for (const block of blocks) if (block.type !== "tool_result") parts.push(...userParts(block));
  pushMessage(items, "user", [...toolImages, ...parts]);
  return items;
}

function toolResultItem(block: ToolResultBlock): { item: FunctionCallOutputItem; images: InputContent[] } {
  if (typeof block.tool_use_id !== "string" || block.tool_use_id === "")
    throw new RequestError("tool_result: tool_use_id is required");
  const texts: string[] = [];
  const images: InputContent[] = [];
  for (const part of blocksOf(block.content ?? "")) {
    if (part.type === "image") images.push(...userParts(part));
    else for (const p of userParts(part)) if (p.type === "input_text") texts.push(p.text);
  }
  let output = texts.join("\n");
  if (output === "" && images.length > 0) output = "(image output: see the next user message)";
  if (block.is_error === true) output = `Error: ${output}`;
  return { item: { type: "function_call_output", call_id: toolUseIdToCallId(block.tool_use_id), output }, images };
}

function userParts(block: ContentBlock): InputContent[] {
  const known = knownBlock(block);
  switch (known?.type) {
    case "text":
      return typeof known.text === "string" && known.text !== "" ? [{ type: "input_text", text: known.text }] : [];
    case "image": {
      const url = imageUrl(known.source);
      return url ? [{ type: "input_image", image_url: url, detail: "auto" }] : [];
    }
    case "document":
      return documentParts(known);
    case "search_result":
      return textParts(blocksOf(known.content));
    default:
      return [];
  }
}

function imageUrl(image: ImageSource): string | undefined {
  const source = knownSource(image);
  if (source?.type === "base64" && typeof source.data === "string")
    return `data:${source.media_type};base64,${source.data}`;
  if (source?.type === "url" && typeof source.url === "string") return source.url;
  return undefined;
}

function documentParts(block: DocumentBlock): InputContent[] {
  const source = knownSource(block.source);
  const title = typeof block.title === "string" ? block.title : undefined;
  if (source?.type === "text" && typeof source.data === "string") {
    return [{ type: "input_text", text: title ? `${title}\n\n${source.data}` : source.data }];
  }
  if (source?.type === "base64" && typeof source.data === "string") {
    const filename = title ?? "document.pdf";
    return [{ type: "input_file", filename, file_data: `data:${source.media_type};base64,${source.data}` }];
  }
  if (source?.type === "url" && typeof source.url === "string") return [{ type: "input_file", file_url: source.url }];
  if (source?.type === "content") return blocksOf(source.content).flatMap(userParts);
  return [];
}

/**
 * Assistant turns: text runs become assistant messages; tool_use becomes function_call; thinking
 * is replayed only when its signature parks our encrypted reasoning (no item id: store is off).
 */
function assistantItems(blocks: ContentBlock[]): InputItem[] {
  const items: InputItem[] = [];
  let text: OutputText[] = [];
  const flush = () => {
    if (text.length > 0) items.push({ type: "message", role: "assistant", content: text });
    text = [];
  };
  for (const block of blocks) {
    const known = knownBlock(block);
    if (known?.type === "text" && typeof known.text === "string" && known.text !== "") {
      text.push({ type: "output_text", text: known.text });
    } else if (known?.type === "thinking") {
      const reasoning = reasoningItem(known.thinking, known.signature);
      if (reasoning) {
        flush();
        items.push(reasoning);
      }
    } else if (known?.type === "tool_use") {
      flush();
      items.push(functionCallItem(known));
    }
  }
  flush();
  return items;
}

function reasoningItem(thinking: unknown, signature: unknown): ReasoningItem | undefined {
  const encrypted = decodeReasoningSignature(signature);
  if (encrypted === undefined) return undefined;
  const summary =
    typeof thinking === "string" && thinking !== "" ? [{ type: "summary_text" as const, text: thinking }] : [];
  return { type: "reasoning", summary, encrypted_content: encrypted };
}

function functionCallItem(block: ToolUseBlock): FunctionCallItem {
  if (typeof block.id !== "string" || block.id === "") throw new RequestError("tool_use: id is required");
  if (typeof block.name !== "string" || block.name === "") throw new RequestError("tool_use: name is required");
  return {
    type: "function_call",
    call_id: toolUseIdToCallId(block.id),
    name: block.name,
    arguments: JSON.stringify(block.input ?? {}),
  };
}
