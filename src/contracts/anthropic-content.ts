/**
 * Anthropic content blocks and their sources. Loose on purpose: requests keep every unknown field
 * and block type so pass-through upstreams receive them intact.
 */
export interface CacheControl {
  type: "ephemeral";
  ttl?: string;
  [k: string]: unknown;
}

export interface TextBlock {
  type: "text";
  text: string;
  cache_control?: CacheControl;
  [k: string]: unknown;
}

/** A block's `source`, with the fields translators read (checked by translate/shared/request-check.ts). */
export interface Base64Source {
  type: "base64";
  media_type: string;
  data: string;
  [k: string]: unknown;
}

export interface UrlSource {
  type: "url";
  url: string;
  [k: string]: unknown;
}

export interface FileSource {
  type: "file";
  file_id: string;
  [k: string]: unknown;
}

/** A plain-text document. */
export interface TextSource {
  type: "text";
  data: string;
  [k: string]: unknown;
}

/** A document made of content blocks. */
export interface ContentSource {
  type: "content";
  content: string | ContentBlock[];
  [k: string]: unknown;
}

export type KnownSource = Base64Source | UrlSource | FileSource | TextSource | ContentSource;

/** A source type ccmux does not know: kept whole, like UnknownBlock. */
export interface UnknownSource {
  type: string;
  [k: string]: unknown;
}

export type ImageSource = KnownSource | UnknownSource;

export interface ImageBlock {
  type: "image";
  source: ImageSource;
  [k: string]: unknown;
}

/** A PDF or text document; `source` may also be `{type:"content", content:[…]}` or a file id. */
export interface DocumentBlock {
  type: "document";
  source?: ImageSource;
  [k: string]: unknown;
}

export interface SearchResultBlock {
  type: "search_result";
  source?: string;
  title?: string;
  content?: ContentBlock[];
  [k: string]: unknown;
}

export interface ToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: unknown;
  [k: string]: unknown;
}

export interface ToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content?: string | ContentBlock[];
  is_error?: boolean;
  [k: string]: unknown;
}

export interface ThinkingBlock {
  type: "thinking";
  thinking: string;
  signature?: string;
  [k: string]: unknown;
}

export interface RedactedThinkingBlock {
  type: "redacted_thinking";
  data: string;
  [k: string]: unknown;
}

/** Every block type ccmux reads. A closed union: `switch (block.type)` narrows it. */
export type KnownBlock =
  | TextBlock
  | ImageBlock
  | DocumentBlock
  | SearchResultBlock
  | ToolUseBlock
  | ToolResultBlock
  | ThinkingBlock
  | RedactedThinkingBlock;

export type KnownBlockType = KnownBlock["type"];

/**
 * A block of a type ccmux does not know (server_tool_use, web_search_tool_result, container_upload,
 * whatever Anthropic adds next). Kept whole and forwarded untouched, never dropped; translators to
 * other dialects say what they cannot carry.
 */
export interface UnknownBlock {
  type: string;
  [k: string]: unknown;
}

export type ContentBlock = KnownBlock | UnknownBlock;

const KNOWN_BLOCK_TYPES: ReadonlySet<string> = new Set<KnownBlockType>([
  "text",
  "image",
  "document",
  "search_result",
  "tool_use",
  "tool_result",
  "thinking",
  "redacted_thinking",
]);

/** The set holds exactly KnownBlockType; the block's other fields are the client's or upstream's. */
const isKnownBlock = (block: ContentBlock): block is KnownBlock => KNOWN_BLOCK_TYPES.has(block.type);

/**
 * The block as a KnownBlock, or undefined for an UnknownBlock. TypeScript cannot narrow a union
 * whose last member has `type: string`, so this is the one place that tells them apart.
 */
export function knownBlock(block: ContentBlock): KnownBlock | undefined {
  return isKnownBlock(block) ? block : undefined;
}

const KNOWN_SOURCE_TYPES: ReadonlySet<string> = new Set<KnownSource["type"]>([
  "base64",
  "url",
  "file",
  "text",
  "content",
]);

/** The set holds exactly KnownSource's types; the fields are checked by translate/shared/request-check.ts. */
const isKnownSource = (source: ImageSource): source is KnownSource => KNOWN_SOURCE_TYPES.has(source.type);

/** The source as a KnownSource, or undefined for none or a source type ccmux does not know (as knownBlock). */
export function knownSource(source: ImageSource | undefined): KnownSource | undefined {
  return source !== undefined && isKnownSource(source) ? source : undefined;
}

/** A message's content as a block list; a string becomes one text block. */
export function contentBlocks(content: string | ContentBlock[] | undefined): ContentBlock[] {
  if (Array.isArray(content)) return content;
  return typeof content === "string" && content !== "" ? [{ type: "text", text: content }] : [];
}
