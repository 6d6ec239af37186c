import type { TextBlock, ImageBlock, ToolUseBlock } from "../../../contracts/anthropic.ts";
import { imageBlock } from "../../shared/image-url.ts";
import { RequestError } from "../../../util/errors.ts";
import { isIndexable, isRecord } from "../../../util/is-record.ts";

/** An OpenAI message `content` (string, null or parts) → Anthropic blocks. Text and images only. */
export function contentBlocks(content: unknown, where: string): (TextBlock | ImageBlock)[] {
  if (content === null || content === undefined) return [];
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  if (!Array.isArray(content))
    throw new RequestError(`${where}.content must be a string, null or an array of content parts`);
  return content
    .map((part, i) => partBlock(part, `${where}.content[${i}]`))
    .filter((b) => !(b.type === "text" && b.text === ""));
}

function partBlock(part: unknown, where: string): TextBlock | ImageBlock {
  const p: Record<string, unknown> = isIndexable(part) ? part : {};
  if (p.type === "text" && typeof p.text === "string") return { type: "text", text: p.text };
  if (p.type === "refusal" && typeof p.refusal === "string") return { type: "text", text: p.refusal };
  if (p.type === "image_url") return imageBlock(p.image_url, where);
  throw new RequestError(
    `${where}: content part type ${JSON.stringify(p.type)} is not supported (use text or image_url)`,
  );
}

/** Plain text of a content value (tool and system messages take text only). */
export function contentText(content: unknown, where: string): string {
  return contentBlocks(content, where)
    .map((b) => {
      if (b.type !== "text") throw new RequestError(`${where}: only text content is allowed here`);
      return b.text;
    })
    .join("\n");
}

/** An assistant `tool_calls` entry → tool_use block; arguments must be a JSON object string. */
export function toolUseBlock(call: unknown, where: string): ToolUseBlock {
  const c: Record<string, unknown> = isIndexable(call) ? call : {};
  if (typeof c.id !== "string" || c.id === "") throw new RequestError(`${where}.id must be a non-empty string`);
  const fn = isIndexable(c.function) ? c.function : undefined;
  const name = fn?.name;
  if (typeof name !== "string" || name === "")
    throw new RequestError(`${where}.function.name must be a non-empty string`);
  return { type: "tool_use", id: c.id, name, input: parseArguments(fn?.arguments, where) };
}

function parseArguments(args: unknown, where: string): Record<string, unknown> {
  if (args === undefined || args === null || args === "") return {};
  if (typeof args !== "string") throw new RequestError(`${where}.function.arguments must be a JSON string`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw new RequestError(`${where}.function.arguments is not valid JSON`);
  }
  if (!isRecord(parsed)) throw new RequestError(`${where}.function.arguments must encode a JSON object`);
  return parsed;
}
