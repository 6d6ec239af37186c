import {
  type ContentBlock,
  type DocumentBlock,
  type ImageSource,
  knownBlock,
  knownSource,
  type Message,
  type SearchResultBlock,
  type ThinkingBlock,
  type ToolResultBlock,
} from "../../contracts/anthropic.ts";
import { isRecord } from "../../util/is-record.ts";
import { RequestError } from "../../util/errors.ts";
import { callOrderOf, inCallOrder } from "../shared/call-order.ts";
import { geminiCallIdOf } from "./call-id.ts";
import { SKIP_SIGNATURE_VALIDATOR, signatureUsable, unparkSignature } from "./signature.ts";
import type { Content, Part } from "./types.ts";

export interface ContentsOptions {
  /** Upstream identity; parked signatures minted for another scope are dropped. */
  signatureScope?: string;
  /** Give the first functionCall of a model turn the documented stand-in signature when it has none. */
  fallbackSignature: boolean;
}

/** URIs the Gemini API can read through `fileData`; other URLs become a text note (it cannot fetch them). */
const FILE_URI = /^(gs:\/\/|https:\/\/generativelanguage\.googleapis\.com\/)/;
const MIME_BY_EXTENSION: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  pdf: "application/pdf",
};

/** The calls made so far: every tool_use id's name, and the order of the latest model turn's calls. */
interface Calls {
  names: Map<string, string>;
  order: Map<string, number>;
}

/** Anthropic messages → Gemini contents: roles user/model, same-role turns merged, tool names tracked by id. */
export function toContents(messages: Message[], opts: ContentsOptions): Content[] {
  const toolNames: Calls = { names: new Map(), order: new Map() };
  const contents: Content[] = [];
  for (const message of messages) {
    const blocks =
      typeof message.content === "string" ? [{ type: "text", text: message.content }] : (message.content ?? []);
    const content: Content =
      message.role === "assistant"
        ? { role: "model", parts: modelParts(blocks, toolNames, opts) }
        : { role: "user", parts: message.role === "system" ? systemParts(blocks) : userParts(blocks, toolNames) };
    if (content.parts.length === 0) continue;
    const last = contents.at(-1);
    if (last?.role === content.role) last.parts.push(...content.parts);
    else contents.push(content);
  }
  return contents;
}

function modelParts(blocks: ContentBlock[], calls: Calls, opts: ContentsOptions): Part[] {
  const callSignatures = new Map<string, string>();
  for (const block of blocks) {
    const parked = block.type === "thinking" ? unparkSignature(block.signature) : undefined;
    if (parked?.kind === "call" && signatureUsable(parked, opts.signatureScope))
      callSignatures.set(parked.toolUseId, parked.signature);
  }
  const parts: Part[] = [];
  const ids: string[] = [];
  for (const block of blocks) {
    const known = knownBlock(block);
    if (known?.type === "text" && typeof known.text === "string" && known.text !== "") parts.push({ text: known.text });
    else if (known?.type === "thinking") replayThinking(known, parts, opts.signatureScope);
    else if (known?.type === "tool_use") {
      const { id, name, input } = known;
      calls.names.set(id, name);
      ids.push(id);
      const signature = callSignatures.get(id);
      const functionCall = withCallId({ name, args: isRecord(input) ? input : {} }, id);
      parts.push(signature ? { functionCall, thoughtSignature: signature } : { functionCall });
    }
  }
  if (ids.length > 0) calls.order = callOrderOf(ids);
  const firstCall = parts.find((p) => p.functionCall);
  if (opts.fallbackSignature && firstCall && !firstCall.thoughtSignature)
    firstCall.thoughtSignature = SKIP_SIGNATURE_VALIDATOR;
  return parts;
}

/** Only thinking that Gemini produced on this upstream goes back; other providers' reasoning is dropped. */
function replayThinking(block: ThinkingBlock, parts: Part[], scope: string | undefined): void {
  const parked = unparkSignature(block.signature);
  if (!signatureUsable(parked, scope)) return;
  if (parked.kind === "thought") {
    const text = typeof block.thinking === "string" ? block.thinking : "";
    parts.push({ text, thought: true, thoughtSignature: parked.signature });
  } else if (parked.kind === "text") {
    const last = parts.at(-1);
    if (last && typeof last.text === "string" && !last.thought && !last.thoughtSignature)
      last.thoughtSignature = parked.signature;
  }
}

function systemParts(blocks: ContentBlock[]): Part[] {
  const text = blocks.flatMap((b) => (b.type === "text" && typeof b.text === "string" ? [b.text] : [])).join("\n\n");
  return text === "" ? [] : [{ text: `<system>\n${text}\n</system>` }];
}

/** Gemini's `id` on a call or response, when Gemini minted the tool_use id (absent otherwise). */
function withCallId<T extends { name: string }>(call: T, toolUseId: string): T & { id?: string } {
  const id = geminiCallIdOf(toolUseId);
  return id === undefined ? call : { ...call, id };
}

/** Tool results first, in the order of the model's calls (Gemini pairs them by position), then the rest. */
function userParts(blocks: ContentBlock[], calls: Calls): Part[] {
  const results = blocks.flatMap((b) => {
    const known = knownBlock(b);
    return known?.type === "tool_result" ? [known] : [];
  });
  const ordered = inCallOrder(results, (b) => b.tool_use_id, calls.order);
  const parts = ordered.flatMap((b) => toolResultParts(b, calls));
  for (const block of blocks) if (block.type !== "tool_result") parts.push(...blockParts(block));
  return parts;
}

/** functionResponse first, then any images or documents the result carried (Gemini takes them as parts). */
function toolResultParts(block: ToolResultBlock, calls: Calls): Part[] {
  const name = calls.names.get(block.tool_use_id);
  if (name === undefined) {
    throw new RequestError(
      `tool_result references tool_use_id "${block.tool_use_id}", which no earlier assistant turn contains`,
    );
  }
  const inner = typeof block.content === "string" ? [{ type: "text", text: block.content }] : (block.content ?? []);
  const texts: string[] = [];
  const extra: Part[] = [];
  for (const part of inner.flatMap(blockParts)) {
    if (typeof part.text === "string") texts.push(part.text);
    else extra.push(part);
  }
  const output = texts.join("\n");
  const response = block.is_error ? { error: output } : { output };
  return [{ functionResponse: withCallId({ name, response }, block.tool_use_id) }, ...extra];
}

/** One user-side content block → parts. Blocks Gemini has no counterpart for are left out. */
function blockParts(block: ContentBlock): Part[] {
  const known = knownBlock(block);
  switch (known?.type) {
    case "text":
      return typeof known.text === "string" && known.text !== "" ? [{ text: known.text }] : [];
    case "image":
      return [sourcePart(known.source, "image")];
    case "document":
      return documentParts(known);
    case "search_result":
      return searchResultParts(known);
    default:
      return [];
  }
}

function documentParts(block: DocumentBlock): Part[] {
  const source = knownSource(block.source);
  if (source?.type === "text" && typeof source.data === "string") return [{ text: source.data }];
  if (source?.type === "content" && Array.isArray(source.content)) return source.content.flatMap(blockParts);
  return block.source ? [sourcePart(block.source, "document")] : [];
}

function searchResultParts(block: SearchResultBlock): Part[] {
  const inner = Array.isArray(block.content) ? block.content : [];
  const body = inner
    .flatMap(blockParts)
    .map((p) => p.text ?? "")
    .join("\n");
  return [{ text: `${String(block.title ?? "")} (${String(block.source ?? "")})\n${body}` }];
}

function sourcePart(source: ImageSource, what: string): Part {
  const known = knownSource(source);
  if (known?.type === "base64" && typeof known.data === "string") {
    return { inlineData: { mimeType: String(known.media_type ?? "application/octet-stream"), data: known.data } };
  }
  if (known?.type === "url" && typeof known.url === "string") {
    if (FILE_URI.test(known.url)) return { fileData: { mimeType: guessMime(known.url), fileUri: known.url } };
    return { text: `[${what} not included, this upstream cannot fetch URLs: ${known.url}]` };
  }
  const fileId = source.file_id;
  const ref = typeof fileId === "string" ? `file ${fileId}` : `${String(source.type)} source`;
  return { text: `[${what} not included: ${ref}]` };
}

function guessMime(url: string): string {
  const ext = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase() ?? "";
  return MIME_BY_EXTENSION[ext] ?? "image/jpeg";
}
