/** Reads an Anthropic Messages SSE stream into blocks as it arrives (the test console's model). */

export interface Block {
  type: "text" | "thinking" | "tool_use" | "other";
  text: string;
  name?: string;
}

export interface StreamState {
  blocks: Block[];
  inputTokens?: number;
  outputTokens?: number;
  cacheRead?: number;
  stopReason?: string;
  error?: string;
  /** ms from send to the first content delta. */
  ttftMs?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: SSE payloads of many shapes, read defensively field by field
type Event = Record<string, any>;

function applyDelta(block: Block, delta: Event): void {
  if (delta.type === "text_delta") block.text += delta.text ?? "";
  else if (delta.type === "thinking_delta") block.text += delta.thinking ?? "";
  else if (delta.type === "input_json_delta") block.text += delta.partial_json ?? "";
}

export function applyEvent(s: StreamState, ev: Event): void {
  if (ev.type === "message_start") {
    const u = ev.message?.usage ?? {};
    s.inputTokens = u.input_tokens;
    s.cacheRead = u.cache_read_input_tokens;
  } else if (ev.type === "content_block_start") {
    const b = ev.content_block ?? {};
    const type = ["text", "thinking", "tool_use"].includes(b.type) ? b.type : "other";
    s.blocks[ev.index ?? s.blocks.length] = { type, text: b.text ?? b.thinking ?? "", name: b.name ?? b.type };
  } else if (ev.type === "content_block_delta") {
    const block = s.blocks[ev.index];
    if (block) applyDelta(block, ev.delta ?? {});
  } else if (ev.type === "message_delta") {
    s.outputTokens = ev.usage?.output_tokens ?? s.outputTokens;
    if (ev.usage?.input_tokens) s.inputTokens = ev.usage.input_tokens;
    s.stopReason = ev.delta?.stop_reason ?? s.stopReason;
  } else if (ev.type === "error") {
    s.error = ev.error?.message ?? "stream error";
  }
}

/** Calls `onEvent` for each `data:` JSON payload of an SSE body. */
export async function readSse(body: ReadableStream<Uint8Array>, onEvent: (ev: Event) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
    let end = buf.indexOf("\n\n");
    while (end >= 0) {
      const frame = buf.slice(0, end);
      buf = buf.slice(end + 2);
      const data = frame
        .split("\n")
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trimStart())
        .join("\n");
      if (data) onEvent(JSON.parse(data));
      end = buf.indexOf("\n\n");
    }
  }
}
