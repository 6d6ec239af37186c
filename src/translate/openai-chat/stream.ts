import type { StreamEvent } from "../../contracts/anthropic.ts";
import { errorEvent, messageDeltaEvent, messageStartEvent, messageStopEvent } from "../../stream/event-writer.ts";
import type { StreamTranslator } from "../../stream/pipeline.ts";
import type { SseMessage } from "../../stream/sse.ts";
import { CcmuxError, type AnthropicErrorType } from "../../util/errors.ts";
import { messageId, type IdFactory } from "../shared/ids.ts";
import { chatFinishToStopReason } from "../shared/stop-reasons.ts";
import { errorObjectOf } from "../shared/openai-error.ts";
import { chatErrorObjectToUpstream } from "./errors.ts";
import { abortBlocks, addText, addToolFragment, finishBlocks, initBlocks, type BlockState } from "./stream-blocks.ts";
import type { ChatOutputFields, ChatUsage } from "./types.ts";
import { chatUsageToAnthropic } from "./usage.ts";

export interface ChatStreamOptions {
  model: string;
  idFactory?: IdFactory;
}

export interface ChatStreamState {
  blocks: BlockState;
  started: boolean;
  /** undefined until a choice reports its finish_reason. */
  finishReason?: string;
  sawToolCalls: boolean;
  usage?: ChatUsage;
  /** message_stop or an error event has been sent; nothing more may follow. */
  done: boolean;
  /** Key for tool-call fragments that carry neither index nor id. */
  lastToolKey?: string;
  toolCount: number;
}

interface RawToolDelta {
  index?: unknown;
  id?: unknown;
  function?: { name?: unknown; arguments?: unknown };
}

/** Chat Completions SSE chunks → Anthropic stream events. message_delta waits for [DONE] so trailing usage is included. */
export function chatStreamTranslator(opts: ChatStreamOptions): StreamTranslator<ChatStreamState> {
  return {
    init: () => ({
      blocks: initBlocks(opts.idFactory),
      started: false,
      sawToolCalls: false,
      done: false,
      toolCount: 0,
    }),
    step: (state, msg) => step(state, msg, opts),
    finish: (state) => end(state),
    fail: (state, err) => failWith(state, errorTypeOf(err), `upstream stream failed: ${errorMessage(err)}`),
  };
}

function step(state: ChatStreamState, msg: SseMessage, opts: ChatStreamOptions): StreamEvent[] {
  if (state.done) return [];
  const data = msg.data.trim();
  if (data === "") return [];
  if (data === "[DONE]") return end(state);
  let chunk: Record<string, unknown>;
  try {
    chunk = JSON.parse(data) as Record<string, unknown>;
  } catch {
    return failWith(state, "api_error", `upstream sent a malformed stream chunk: ${data.slice(0, 200)}`);
  }
  if (chunk === null || typeof chunk !== "object")
    return failWith(state, "api_error", "upstream sent a stream chunk that is not an object");
  if (chunk.error !== undefined && chunk.error !== null) {
    const err = chatErrorObjectToUpstream(errorObjectOf(chunk) ?? {}, 500);
    return failWith(state, err.type, err.message);
  }
  const out: StreamEvent[] = [];
  if (chunk.usage && typeof chunk.usage === "object") state.usage = chunk.usage as ChatUsage;
  if (!state.started) out.push(messageStart(state, opts));
  const choices = Array.isArray(chunk.choices) ? (chunk.choices as Record<string, unknown>[]) : [];
  const choice = choices.find((c) => c?.index === 0 || c?.index === undefined);
  if (choice && state.finishReason === undefined) applyChoice(state, choice, out);
  return out;
}

function applyChoice(state: ChatStreamState, choice: Record<string, unknown>, out: StreamEvent[]): void {
  const delta = (choice.delta ?? {}) as ChatOutputFields;
  const reasoning = str(delta.reasoning_content) || str(delta.reasoning);
  addText(state.blocks, "thinking", reasoning, out);
  addText(state.blocks, "text", str(delta.content) || str(delta.refusal), out);
  if (Array.isArray(delta.tool_calls))
    for (const call of delta.tool_calls as RawToolDelta[]) addToolDelta(state, call, out);
  else if (delta.function_call && typeof delta.function_call === "object")
    addToolDelta(state, { index: "fc", function: delta.function_call as RawToolDelta["function"] }, out);
  if (typeof choice.finish_reason !== "string" || choice.finish_reason === "") return;
  state.finishReason = choice.finish_reason;
  const problem = finishBlocks(state.blocks, out);
  if (problem) out.push(...failWith(state, "api_error", problem));
}

function addToolDelta(state: ChatStreamState, call: RawToolDelta, out: StreamEvent[]): void {
  const name = str(call.function?.name);
  const key = toolKey(state, call, name);
  state.sawToolCalls = true;
  state.lastToolKey = key;
  addToolFragment(state.blocks, key, { id: str(call.id), name, args: str(call.function?.arguments) }, out);
}

/** By index when present, else by id, else a nameless fragment continues the previous call. */
function toolKey(state: ChatStreamState, call: RawToolDelta, name: string): string {
  if (typeof call.index === "number" || typeof call.index === "string") return `i:${call.index}`;
  const id = str(call.id);
  if (id !== "") return `id:${id}`;
  if (name === "" && state.lastToolKey) return state.lastToolKey;
  return `n:${state.toolCount++}`;
}

function messageStart(state: ChatStreamState, opts: ChatStreamOptions): StreamEvent {
  state.started = true;
  const usage = { ...chatUsageToAnthropic(state.usage), output_tokens: 0 };
  return messageStartEvent({ id: messageId(opts.idFactory), model: opts.model, usage });
}

/** [DONE] or end of body: the deferred message_delta + message_stop, or an error when no finish came. */
function end(state: ChatStreamState): StreamEvent[] {
  if (state.done) return [];
  if (state.finishReason === undefined)
    return failWith(state, "api_error", "upstream stream ended without a finish_reason");
  state.done = true;
  const stopReason = chatFinishToStopReason(state.finishReason, state.sawToolCalls);
  return [messageDeltaEvent(stopReason, chatUsageToAnthropic(state.usage)), messageStopEvent()];
}

function failWith(state: ChatStreamState, type: AnthropicErrorType, message: string): StreamEvent[] {
  if (state.done) return [];
  state.done = true;
  const out: StreamEvent[] = [];
  abortBlocks(state.blocks, out);
  out.push(errorEvent(type, message));
  return out;
}

function errorTypeOf(err: unknown): AnthropicErrorType {
  return err instanceof CcmuxError ? err.type : "api_error";
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}
