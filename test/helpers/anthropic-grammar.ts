// Checks a sequence of Anthropic stream events against the grammar of protocol.md §1.10 (and Claude
// Code's stricter reducer) and assembles what a client would see. Throws on the first violation.
export interface AssembledStream {
  message: any;
  content: any[];
  stopReason: string | null;
  usage: any;
  /** The terminal `error` event's error, when the stream ended with one. */
  error?: { type: string; message: string };
}

type Event = { type: string; [k: string]: any };
type Phase = "start" | "blocks" | "delta" | "stopped" | "errored";

interface Checker {
  out: AssembledStream;
  phase: Phase;
  open: { index: number; block: any; json: string; signed: boolean } | null;
}

const DELTA_FOR_BLOCK: Record<string, string[]> = {
  text: ["text_delta", "citations_delta"],
  thinking: ["thinking_delta", "signature_delta"],
  tool_use: ["input_json_delta"],
  server_tool_use: ["input_json_delta"],
};

export function assembleAnthropicStream(events: Event[]): AssembledStream {
  const c: Checker = {
    out: { message: undefined, content: [], stopReason: null, usage: undefined },
    phase: "start",
    open: null,
  };
  events.forEach((e, i) => {
    const why = check(c, e);
    if (why) throw new Error(`event #${i} (${e.type}): ${why}`);
  });
  if (c.phase !== "stopped" && c.phase !== "errored")
    throw new Error(`stream ended in phase ${c.phase} without message_stop or error`);
  return c.out;
}

/** Applies one event; returns why it breaks the grammar, or undefined. */
function check(c: Checker, e: Event): string | undefined {
  if (c.phase === "stopped" || c.phase === "errored") return "event after the end of the stream";
  if (e.type === "ping") return undefined;
  if (e.type === "error") {
    if (c.open) return "error while a block is still open";
    c.out.error = e.error;
    c.phase = "errored";
    return undefined;
  }
  if (c.phase === "start") {
    if (e.type !== "message_start") return "expected message_start";
    c.out.message = e.message;
    c.out.usage = { ...e.message.usage };
    c.phase = "blocks";
    return undefined;
  }
  if (c.phase === "delta") {
    if (e.type !== "message_stop") return "expected message_stop after message_delta";
    c.phase = "stopped";
    return undefined;
  }
  if (e.type === "message_delta") {
    if (c.open) return "message_delta while a block is open";
    c.out.stopReason = e.delta.stop_reason;
    for (const [k, v] of Object.entries(e.usage ?? {})) if (v !== null && v !== undefined) c.out.usage[k] = v;
    c.phase = "delta";
    return undefined;
  }
  return checkBlockEvent(c, e);
}

function checkBlockEvent(c: Checker, e: Event): string | undefined {
  if (e.type === "content_block_start") {
    if (c.open) return `block ${c.open.index} is still open`;
    if (e.index !== c.out.content.length) return `index ${e.index}, expected ${c.out.content.length}`;
    c.open = { index: e.index, block: structuredClone(e.content_block), json: "", signed: false };
    c.out.content.push(c.open.block);
    return undefined;
  }
  const o = c.open;
  if (e.type !== "content_block_delta" && e.type !== "content_block_stop") return "unexpected event type";
  if (!o || o.index !== e.index) return `index ${e.index} is not open`;
  if (e.type === "content_block_stop") {
    if (o.block.type === "thinking" && !o.signed) return "thinking block closed without signature_delta";
    if (o.block.type === "tool_use" && o.json !== "") o.block.input = JSON.parse(o.json);
    c.open = null;
    return undefined;
  }
  const d = e.delta;
  if (!(DELTA_FOR_BLOCK[o.block.type] ?? []).includes(d.type)) return `${d.type} on a ${o.block.type} block`;
  if (o.signed) return "delta after signature_delta";
  if (d.type === "text_delta") o.block.text += d.text;
  else if (d.type === "thinking_delta") o.block.thinking += d.thinking;
  else if (d.type === "input_json_delta") o.json += d.partial_json;
  else if (d.type === "signature_delta") [o.block.signature, o.signed] = [d.signature, true];
  return undefined;
}
