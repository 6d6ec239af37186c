import {
  type BlockDelta,
  type ContentBlock,
  knownBlock,
  type StreamEvent,
  type Usage,
} from "../../../contracts/anthropic.ts";
import { mergeUsage } from "../../shared/usage.ts";
import type { SseTextTranslator } from "../../shared/front-door-sse.ts";
import { stopReasonToChatFinish } from "../../shared/stop-reasons.ts";
import { chatCompletionId, openAIUsage } from "./response.ts";

/** The output is OpenAI SSE text (`data: {…}\n\n` lines), not Anthropic events. */
export type OpenAIChunkTranslator<S> = SseTextTranslator<S>;

export interface OpenAIStreamOptions {
  model: string;
  /** Unix seconds, stamped on every chunk. */
  created: number;
  /** Defaults to `chatcmpl-` + the Anthropic message id. */
  id?: string;
  /** Send the final `choices: []` usage chunk (OpenAI sends it only with stream_options.include_usage). Default true. */
  includeUsage?: boolean;
}

export interface OpenAIStreamState {
  id: string;
  /** Anthropic block index → OpenAI tool_calls index. */
  tools: Map<number, number>;
  stopReason?: string | null;
  usage: Partial<Usage>;
  done: boolean;
}

export const DONE_LINE = "data: [DONE]\n\n";
/** An Anthropic `ping` becomes an SSE comment: OpenAI clients skip it, and it keeps the connection alive. */
export const KEEPALIVE_LINE = ": ping\n\n";

/** Anthropic stream events → OpenAI chat.completion.chunk SSE lines, ending with a usage chunk and [DONE]. */
export function anthropicToOpenAIStreamTranslator(opts: OpenAIStreamOptions): OpenAIChunkTranslator<OpenAIStreamState> {
  return {
    init: () => ({ id: opts.id ?? "chatcmpl-ccmux", tools: new Map(), usage: {}, done: false }),
    step: (state, event) => (state.done ? [] : step(state, event, opts)),
    finish: (state) => (state.done ? [] : errorLines(state, "api_error", "upstream stream ended before message_stop")),
  };
}

function step(state: OpenAIStreamState, event: StreamEvent, opts: OpenAIStreamOptions): string[] {
  switch (event.type) {
    case "message_start":
      if (!opts.id && typeof event.message.id === "string") state.id = chatCompletionId(event.message.id);
      mergeUsage(state.usage, event.message.usage);
      return [chunk(state, opts, { role: "assistant", content: "" })];
    case "content_block_start":
      return blockStart(state, opts, event.index, event.content_block);
    case "content_block_delta":
      return blockDelta(state, opts, event.index, event.delta);
    case "message_delta":
      state.stopReason = event.delta.stop_reason;
      mergeUsage(state.usage, event.usage);
      return [];
    case "message_stop":
      return stopLines(state, opts);
    case "error":
      return errorLines(state, event.error.type, event.error.message);
    case "ping":
      return [KEEPALIVE_LINE];
    default:
      return [];
  }
}

function blockStart(state: OpenAIStreamState, opts: OpenAIStreamOptions, index: number, block: ContentBlock): string[] {
  const known = knownBlock(block);
  if (known?.type === "text" && typeof known.text === "string" && known.text !== "")
    return [chunk(state, opts, { content: known.text })];
  if (known?.type !== "tool_use") return [];
  const toolIndex = state.tools.size;
  state.tools.set(index, toolIndex);
  const call = { index: toolIndex, id: known.id, type: "function", function: { name: known.name, arguments: "" } };
  return [chunk(state, opts, { tool_calls: [call] })];
}

function blockDelta(state: OpenAIStreamState, opts: OpenAIStreamOptions, index: number, delta: BlockDelta): string[] {
  if (delta.type === "text_delta" && delta.text) return [chunk(state, opts, { content: delta.text })];
  if (delta.type === "thinking_delta" && delta.thinking)
    return [chunk(state, opts, { reasoning_content: delta.thinking })];
  const toolIndex = state.tools.get(index);
  if (delta.type === "input_json_delta" && delta.partial_json && toolIndex !== undefined) {
    return [chunk(state, opts, { tool_calls: [{ index: toolIndex, function: { arguments: delta.partial_json } }] })];
  }
  return [];
}

function stopLines(state: OpenAIStreamState, opts: OpenAIStreamOptions): string[] {
  state.done = true;
  const lines = [chunk(state, opts, {}, stopReasonToChatFinish(state.stopReason))];
  if (opts.includeUsage !== false)
    lines.push(line({ ...envelope(state, opts), choices: [], usage: openAIUsage(state.usage) }));
  lines.push(DONE_LINE);
  return lines;
}

function errorLines(state: OpenAIStreamState, type: string, message: string): string[] {
  state.done = true;
  return [line({ error: { message, type, param: null, code: null } }), DONE_LINE];
}

function envelope(state: OpenAIStreamState, opts: OpenAIStreamOptions) {
  return { id: state.id, object: "chat.completion.chunk", created: opts.created, model: opts.model };
}

function chunk(
  state: OpenAIStreamState,
  opts: OpenAIStreamOptions,
  delta: Record<string, unknown>,
  finish: string | null = null,
): string {
  return line({ ...envelope(state, opts), choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
}

function line(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}
