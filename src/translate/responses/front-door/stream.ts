import {
  type BlockDelta,
  type ContentBlock,
  knownBlock,
  type StopReason,
  type StreamEvent,
  type Usage,
} from "../../../contracts/anthropic.ts";
import { mergeUsage } from "../../shared/usage.ts";
import type { SseTextTranslator } from "../../shared/front-door-sse.ts";
import { REDACTED_PREFIX } from "./request-input.ts";
import { endOf, itemId, responseIdOf, responseObject, responsesUsage } from "./response.ts";
import type { FrontDoorResponseOptions, OutputItem, ResponseObject } from "./types.ts";

/** An output item being streamed, by its Anthropic block index. */
interface OpenItem {
  item: OutputItem;
  outputIndex: number;
  /** Text, reasoning summary or function arguments as far as streamed. */
  text: string;
}

export interface ResponsesStreamState {
  id: string;
  messageId: string;
  /** sequence_number of the next event. */
  seq: number;
  open: Map<number, OpenItem>;
  /** Finished items, in output order. */
  output: OutputItem[];
  count: number;
  usage: Partial<Usage>;
  stopReason?: StopReason | null;
  done: boolean;
}

type Payload = Record<string, unknown> & { type: string };

/**
 * Anthropic stream events → Responses SSE events, in the order OpenAI's API sends them:
 * response.created, response.in_progress, then per item output_item.added, its part/summary
 * added, deltas, done events and output_item.done, and response.completed (or .incomplete) with
 * the whole response and usage. An upstream error, or a stream cut before message_stop, ends
 * with response.failed. Every event carries a rising sequence_number.
 */
export function anthropicToResponsesStream(opts: FrontDoorResponseOptions): SseTextTranslator<ResponsesStreamState> {
  return {
    init: () => ({
      id: "resp_ccmux",
      messageId: "msg_ccmux",
      seq: 0,
      open: new Map(),
      output: [],
      count: 0,
      usage: {},
      done: false,
    }),
    step: (state, event) => (state.done ? [] : step(state, event, opts)),
    finish: (state) =>
      state.done ? [] : failed(state, opts, "server_error", "upstream stream ended before message_stop"),
  };
}

function step(state: ResponsesStreamState, event: StreamEvent, opts: FrontDoorResponseOptions): string[] {
  switch (event.type) {
    case "message_start": {
      state.messageId = event.message.id;
      state.id = responseIdOf(event.message.id);
      mergeUsage(state.usage, event.message.usage);
      const response = responseObject(state.id, opts, "in_progress", [], null);
      return [
        emit(state, { type: "response.created", response }),
        emit(state, { type: "response.in_progress", response }),
      ];
    }
    case "content_block_start":
      return blockStart(state, event.index, event.content_block);
    case "content_block_delta":
      return blockDelta(state, event.index, event.delta);
    case "content_block_stop":
      return blockStop(state, event.index);
    case "message_delta":
      state.stopReason = event.delta.stop_reason;
      mergeUsage(state.usage, event.usage);
      return [];
    case "message_stop":
      return completed(state, opts);
    case "error":
      return failed(state, opts, errorCode(event.error.type, event.error.message), event.error.message);
    case "ping":
      // An SSE comment: Responses clients skip it, and it keeps a held connection alive.
      return [": ping\n\n"];
    default:
      return [];
  }
}

function blockStart(state: ResponsesStreamState, index: number, block: ContentBlock): string[] {
  const known = knownBlock(block);
  const open = (item: OutputItem): OpenItem => {
    const entry = { item, outputIndex: state.count++, text: "" };
    state.open.set(index, entry);
    return entry;
  };
  const added = (entry: OpenItem) =>
    emit(state, { type: "response.output_item.added", output_index: entry.outputIndex, item: entry.item });
  switch (known?.type) {
    case "text": {
      const id = itemId("msg", state.messageId, index);
      const entry = open({ type: "message", id, status: "in_progress", role: "assistant", content: [] });
      const part = { type: "output_text", text: "", annotations: [], logprobs: [] };
      const lines = [
        added(entry),
        emit(state, { type: "response.content_part.added", ...at(entry), content_index: 0, part }),
      ];
      return known.text ? [...lines, ...textDelta(state, entry, known.text)] : lines;
    }
    case "thinking": {
      const sealed = known.signature ? { encrypted_content: known.signature } : {};
      const entry = open({ type: "reasoning", id: itemId("rs", state.messageId, index), summary: [], ...sealed });
      const part = { type: "summary_text", text: "" };
      const lines = [
        added(entry),
        emit(state, { type: "response.reasoning_summary_part.added", ...at(entry), summary_index: 0, part }),
      ];
      return known.thinking
        ? [...lines, ...blockDelta(state, index, { type: "thinking_delta", thinking: known.thinking })]
        : lines;
    }
    case "redacted_thinking": {
      const id = itemId("rs", state.messageId, index);
      const entry = open({ type: "reasoning", id, summary: [], encrypted_content: `${REDACTED_PREFIX}${known.data}` });
      return [added(entry)];
    }
    case "tool_use": {
      const id = itemId("fc", state.messageId, index);
      const call = {
        type: "function_call",
        id,
        call_id: known.id,
        name: known.name,
        arguments: "",
        status: "in_progress",
      } as const;
      return [added(open(call))];
    }
    default:
      return [];
  }
}

function blockDelta(state: ResponsesStreamState, index: number, delta: BlockDelta): string[] {
  const entry = state.open.get(index);
  if (!entry) return [];
  const { item } = entry;
  if (delta.type === "text_delta" && item.type === "message" && delta.text) return textDelta(state, entry, delta.text);
  if (delta.type === "thinking_delta" && item.type === "reasoning" && delta.thinking) {
    entry.text += delta.thinking;
    return [
      emit(state, {
        type: "response.reasoning_summary_text.delta",
        ...at(entry),
        summary_index: 0,
        delta: delta.thinking,
      }),
    ];
  }
  if (delta.type === "signature_delta" && item.type === "reasoning")
    entry.item = { ...item, encrypted_content: delta.signature };
  if (delta.type === "input_json_delta" && item.type === "function_call" && delta.partial_json) {
    entry.text += delta.partial_json;
    return [emit(state, { type: "response.function_call_arguments.delta", ...at(entry), delta: delta.partial_json })];
  }
  return [];
}

function textDelta(state: ResponsesStreamState, entry: OpenItem, text: string): string[] {
  entry.text += text;
  return [
    emit(state, { type: "response.output_text.delta", ...at(entry), content_index: 0, delta: text, logprobs: [] }),
  ];
}

function blockStop(state: ResponsesStreamState, index: number): string[] {
  const entry = state.open.get(index);
  if (!entry) return [];
  state.open.delete(index);
  const { item, text } = entry;
  const lines: string[] = [];
  let done: OutputItem = item;
  if (item.type === "message") {
    const part = { type: "output_text" as const, text, annotations: [], logprobs: [] };
    lines.push(emit(state, { type: "response.output_text.done", ...at(entry), content_index: 0, text, logprobs: [] }));
    lines.push(emit(state, { type: "response.content_part.done", ...at(entry), content_index: 0, part }));
    done = { ...item, status: "completed", content: [part] };
  } else if (item.type === "reasoning" && !item.encrypted_content?.startsWith(REDACTED_PREFIX)) {
    const part = { type: "summary_text" as const, text };
    lines.push(emit(state, { type: "response.reasoning_summary_text.done", ...at(entry), summary_index: 0, text }));
    lines.push(emit(state, { type: "response.reasoning_summary_part.done", ...at(entry), summary_index: 0, part }));
    done = { ...item, summary: text ? [part] : [] };
  } else if (item.type === "function_call") {
    const args = text || "{}";
    lines.push(
      emit(state, { type: "response.function_call_arguments.done", ...at(entry), arguments: args, name: item.name }),
    );
    done = { ...item, arguments: args, status: "completed" };
  }
  state.output[entry.outputIndex] = done;
  lines.push(emit(state, { type: "response.output_item.done", output_index: entry.outputIndex, item: done }));
  return lines;
}

function completed(state: ResponsesStreamState, opts: FrontDoorResponseOptions): string[] {
  state.done = true;
  const end = endOf(state.stopReason);
  const base = responseObject(state.id, opts, end.status, finished(state), responsesUsage(state.usage));
  const response: ResponseObject = { ...base, ...end };
  const type = end.status === "completed" ? "response.completed" : "response.incomplete";
  return [emit(state, { type, response })];
}

function failed(state: ResponsesStreamState, opts: FrontDoorResponseOptions, code: string, message: string): string[] {
  state.done = true;
  const base = responseObject(state.id, opts, "failed", finished(state), responsesUsage(state.usage));
  return [emit(state, { type: "response.failed", response: { ...base, error: { code, message } } })];
}

/** Items finished so far, in output order (an item cut mid-stream is left out). */
const finished = (state: ResponsesStreamState) => state.output.filter((item) => item !== undefined);

/** Anthropic error type → the code Responses clients (Codex) act on. */
function errorCode(type: string, message: string): string {
  if (/prompt is too long/i.test(message)) return "context_length_exceeded";
  if (type === "rate_limit_error") return "rate_limit_exceeded";
  if (type === "invalid_request_error") return "invalid_prompt";
  return "server_error";
}

const at = (entry: OpenItem) => ({ item_id: entry.item.id, output_index: entry.outputIndex });

function emit(state: ResponsesStreamState, payload: Payload): string {
  const data = { ...payload, sequence_number: state.seq++ };
  return `event: ${payload.type}\ndata: ${JSON.stringify(data)}\n\n`;
}
