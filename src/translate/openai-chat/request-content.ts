import {
  type ContentBlock,
  type ImageBlock,
  type ImageSource,
  knownBlock,
  knownSource,
  type ToolResultBlock,
} from "../../contracts/anthropic.ts";
import { RequestError } from "../../util/errors.ts";
import type { ChatContentPart, ChatImagePart } from "./types.ts";

/** Message content as a block list; a string becomes one text block. */
export function blocksOf(content: string | ContentBlock[], where: string): ContentBlock[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  if (Array.isArray(content)) return content;
  throw new RequestError(`${where}.content must be a string or an array of content blocks`);
}

/** The readable text of a text-like block (text, text document, search result), else undefined. */
export function blockText(block: ContentBlock): string | undefined {
  const known = knownBlock(block);
  if (known?.type === "text") return typeof known.text === "string" ? known.text : "";
  if (known?.type === "document") return documentText(known.source);
  if (known?.type === "search_result") {
    const inner = Array.isArray(known.content) ? joinTexts(known.content) : "";
    return [known.title, known.source, inner].filter((s) => typeof s === "string" && s !== "").join("\n");
  }
  return undefined;
}

function documentText(source: ImageSource | undefined): string {
  const src = knownSource(source);
  if (src?.type === "text" && typeof src.data === "string") return src.data;
  if (src?.type === "content" && Array.isArray(src.content)) return joinTexts(src.content);
  return "[document omitted: this provider only accepts text documents]";
}

export function joinTexts(blocks: ContentBlock[]): string {
  const texts: string[] = [];
  for (const b of blocks) {
    const t = blockText(b);
    if (t !== undefined) texts.push(t);
  }
  return texts.join("\n");
}

/** Anthropic image → Chat image part: base64 becomes a data URL, url stays a url. */
export function imagePart(block: ImageBlock, where: string): ChatImagePart {
  const src = knownSource(block.source);
  if (src?.type === "base64" && typeof src.data === "string") {
    const media = typeof src.media_type === "string" ? src.media_type : "image/png";
    return { type: "image_url", image_url: { url: `data:${media};base64,${src.data}` } };
  }
  if (src?.type === "url" && typeof src.url === "string") return { type: "image_url", image_url: { url: src.url } };
  throw new RequestError(
    `${where}: image source type "${String(block.source?.type)}" is not supported by OpenAI-compatible providers`,
  );
}

/** Parts → message content: a plain string when there is no image (the most widely accepted shape). */
export function partsToContent(parts: ChatContentPart[]): string | ChatContentPart[] {
  const texts = parts.flatMap((p) => (p.type === "text" ? [p.text] : []));
  return texts.length === parts.length ? texts.join("\n") : parts;
}

export interface ToolResultContent {
  text: string;
  images: ChatImagePart[];
}

const IMAGE_FOLLOWS = "[image: attached in the following user message]";
const IMAGE_DROPPED = "[image omitted: this model does not accept images]";

/** A tool_result's content as tool-message text plus the images that must travel in a user message. */
export function toolResultContent(block: ToolResultBlock, supportsImages: boolean, where: string): ToolResultContent {
  const images: ChatImagePart[] = [];
  const texts: string[] = [];
  for (const inner of blocksOf(block.content ?? "", where)) {
    const known = knownBlock(inner);
    if (known?.type === "image") {
      if (supportsImages) images.push(imagePart(known, where));
      texts.push(supportsImages ? IMAGE_FOLLOWS : IMAGE_DROPPED);
      continue;
    }
    const t = blockText(inner);
    if (t !== undefined) texts.push(t);
  }
  const body = texts.join("\n");
  return { text: block.is_error === true ? `Error: ${body}` : body, images };
}
