import type { ContentBlock, Message, MessagesRequest, Tool } from "../contracts/anthropic.ts";
import { countTexts } from "./o200k-client.ts";

/** Anthropic bills an image at up to ~1,600 tokens; the size isn't known without decoding it. */
const IMAGE_TOKENS = 1600;
/** Role markers and separators around each message. */
const PER_MESSAGE = 4;

type Counter = (text: string) => number;

function blockCost(block: ContentBlock, count: Counter): number {
  switch (block.type) {
    case "text":
      return count(String(block.text ?? ""));
    case "thinking":
      return count(String(block.thinking ?? ""));
    case "image":
      return IMAGE_TOKENS;
    case "tool_use":
      return count(`${String(block.name ?? "")} ${JSON.stringify(block.input ?? {})}`);
    case "tool_result":
      return contentCost(block.content as Message["content"] | undefined, count);
    default:
      return count(JSON.stringify(block));
  }
}

function contentCost(content: Message["content"] | undefined, count: Counter): number {
  if (typeof content === "string") return count(content);
  if (!Array.isArray(content)) return 0;
  let total = 0;
  for (const block of content) if (block) total += blockCost(block, count);
  return total;
}

function toolCost(tool: Tool, count: Counter): number {
  const { name, description, input_schema, type } = tool;
  return count(`${type ?? ""} ${name ?? ""} ${description ?? ""} ${input_schema ? JSON.stringify(input_schema) : ""}`);
}

/**
 * A real-tokenizer estimate (o200k) of a request's input tokens: system, messages and tool
 * definitions. Used by count_tokens when the upstream has no counting endpoint of its own. The texts
 * are gathered here and counted in the tokenizer's Worker: never on the event loop, never on the
 * /v1/messages path.
 */
export async function countRequestTokens(req: Pick<MessagesRequest, "system" | "messages" | "tools">): Promise<number> {
  const texts: string[] = [];
  const gather: Counter = (text) => {
    texts.push(text);
    return 0;
  };
  let total = 0;
  if (typeof req.system === "string") total += gather(req.system);
  else if (Array.isArray(req.system)) for (const b of req.system) total += gather(String(b?.text ?? ""));
  for (const msg of req.messages) total += PER_MESSAGE + contentCost(msg.content, gather);
  for (const tool of req.tools ?? []) total += toolCost(tool, gather);
  for (const n of await countTexts(texts)) total += n;
  return total;
}
