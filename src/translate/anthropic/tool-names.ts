import type {
  ContentBlock,
  Message,
  MessageResponse,
  MessagesRequest,
  StreamEvent,
  Tool,
} from "../../contracts/anthropic.ts";

/** Upstream tool name → the client's, for the answer; empty when nothing was renamed. */
export type ToolNameRestore = ReadonlyMap<string, string>;

/** The upstream name for a client tool name, or undefined to keep it. */
export type ToolRenamer = (name: string) => string | undefined;

export interface RenamedRequest {
  body: MessagesRequest;
  restore: ToolNameRestore;
}

function renameBlocks(content: Message["content"], rename: (n: string) => string): Message["content"] {
  if (!Array.isArray(content)) return content;
  let changed = false;
  const out = content.map((b: ContentBlock) => {
    if (b.type !== "tool_use" || typeof b.name !== "string") return b;
    const name = rename(b.name);
    if (name === b.name) return b;
    changed = true;
    return { ...b, name };
  });
  return changed ? out : content;
}

/**
 * Renames the client's tool names (tool definitions, `tool_choice`, `tool_use` blocks in the history)
 * with `renamer`. Pure: returns the input body itself when no name changes, so a pass-through can
 * still forward the client's bytes.
 */
export function renameTools(body: MessagesRequest, renamer: ToolRenamer): RenamedRequest {
  const restore = new Map<string, string>();
  const rename = (name: string): string => {
    const upstream = renamer(name);
    if (upstream === undefined || upstream === name) return name;
    restore.set(upstream, name);
    return upstream;
  };
  const tools = body.tools?.map((t: Tool) =>
    typeof t.name === "string" && isCustomTool(t) ? withName(t, rename(t.name)) : t,
  );
  const messages = body.messages.map((m) => {
    const content = renameBlocks(m.content, rename);
    return content === m.content ? m : { ...m, content };
  });
  if (restore.size === 0) return { body, restore };
  const choice = body.tool_choice;
  const tool_choice =
    choice?.type === "tool" && typeof choice.name === "string" ? { ...choice, name: rename(choice.name) } : choice;
  return { body: { ...body, tools, messages, ...(tool_choice ? { tool_choice } : {}) }, restore };
}

/** Client-defined tools; server tools (`web_search_20250305`, …) keep their fixed names. */
function isCustomTool(t: Tool): boolean {
  return t.type === undefined || t.type === "custom";
}

function withName<T extends { name: string }>(item: T, name: string): T {
  return item.name === name ? item : { ...item, name };
}

/** The client's names back in a whole answer's `tool_use` blocks. */
export function restoreToolNames(res: MessageResponse, restore: ToolNameRestore): MessageResponse {
  if (restore.size === 0) return res;
  const content = res.content.map((b) =>
    b.type === "tool_use" && typeof b.name === "string" && restore.has(b.name)
      ? { ...b, name: restore.get(b.name)! }
      : b,
  );
  return { ...res, content };
}

/** The client's name back in a streamed `content_block_start` of a `tool_use` block; other events unchanged. */
export function restoreToolNameInEvent(event: StreamEvent, restore: ToolNameRestore): StreamEvent {
  if (event.type !== "content_block_start") return event;
  const block = event.content_block;
  const name = block.type === "tool_use" && typeof block.name === "string" ? restore.get(block.name) : undefined;
  return name === undefined ? event : { ...event, content_block: { ...block, name } };
}
