import type { ContentBlock, Message, MessagesRequest, TextBlock } from "../contracts/anthropic.ts";

export const SUBAGENT_OPEN = "<CCM-SUBAGENT-MODEL>";
const SUBAGENT_TAG = /<CCM-SUBAGENT-MODEL>(.*?)<\/CCM-SUBAGENT-MODEL>/g;

export function hasWebSearchTool(req: MessagesRequest): boolean {
  const tools = req.tools;
  if (!Array.isArray(tools)) return false;
  for (const tool of tools) {
    if (tool && typeof tool.type === "string" && tool.type.startsWith("web_search")) return true;
  }
  return false;
}

/** `output_config.effort` (Claude Code 2.1.x sends it beside `thinking: {type: "adaptive"}`). */
export function requestedEffort(req: MessagesRequest): string | undefined {
  const config = req.output_config;
  if (typeof config !== "object" || config === null) return undefined;
  const effort = (config as { effort?: unknown }).effort;
  return typeof effort === "string" ? effort : undefined;
}

function takeTag(text: string): { model?: string; text: string } {
  if (!text.includes(SUBAGENT_OPEN)) return { text };
  let model: string | undefined;
  const stripped = text.replace(SUBAGENT_TAG, (_m, name: string) => {
    model ??= name.trim();
    return "";
  });
  return { model, text: stripped };
}

export interface SubagentTag {
  /** The tagged model name, if a non-empty tag was found. */
  model?: string;
  /** The system prompt without its tags, when it had any. */
  system?: MessagesRequest["system"];
}

/**
 * Finds the first `<CCM-SUBAGENT-MODEL>` tag in the system prompt (string or any block), and the
 * system prompt with every tag stripped. The request itself is left as it is.
 */
export function extractSubagentModel(req: MessagesRequest): SubagentTag {
  const system = req.system;
  if (typeof system === "string") {
    const { model, text } = takeTag(system);
    if (model === undefined) return {};
    return { model: model || undefined, system: text };
  }
  if (!Array.isArray(system)) return {};
  let found: string | undefined;
  let stripped = false;
  const blocks = (system as TextBlock[]).map((block) => {
    if (!block || typeof block.text !== "string") return block;
    const { model, text } = takeTag(block.text);
    if (model === undefined) return block;
    stripped = true;
    found ??= model || undefined;
    return { ...block, text };
  });
  return stripped ? { model: found, system: blocks } : {};
}

function blockHasImage(block: ContentBlock): boolean {
  if (block.type === "image") return true;
  if (block.type === "tool_result" && Array.isArray(block.content)) {
    return (block.content as ContentBlock[]).some((b) => b?.type === "image");
  }
  return false;
}

/** The latest user turn carries an image (directly or inside a tool_result). */
export function latestUserTurnHasImage(messages: Message[]): boolean {
  for (let i = messages.length - 1; i >= 0; i--) {
    const msg = messages[i]!;
    if (msg.role !== "user") continue;
    return Array.isArray(msg.content) && msg.content.some((b) => b && blockHasImage(b));
  }
  return false;
}

function imageDataLength(block: ContentBlock): number {
  if (block.type === "image") {
    const data = (block.source as { data?: unknown } | undefined)?.data;
    return typeof data === "string" ? data.length : 0;
  }
  if (block.type === "tool_result" && Array.isArray(block.content)) {
    let n = 0;
    for (const b of block.content as ContentBlock[]) if (b) n += imageDataLength(b);
    return n;
  }
  return 0;
}

/**
 * Cheap input-token estimate, linear in the body size: the JSON length minus image payloads,
 * at ~3.5 characters per token (a deliberate slight over-estimate for code-heavy prompts).
 */
export function estimateInputTokens(req: MessagesRequest, bodyLength: number): number {
  let imageChars = 0;
  for (const msg of req.messages) {
    if (!Array.isArray(msg.content)) continue;
    for (const block of msg.content) if (block) imageChars += imageDataLength(block);
  }
  return Math.ceil(Math.max(0, bodyLength - imageChars) / 3.5);
}
