import type { ErrorEvent, StreamEvent } from "../../contracts/anthropic.ts";
import {
  errorEvent,
  messageDeltaEvent,
  messageStartEvent,
  messageStopEvent,
  thrownErrorEvent,
} from "../../stream/event-writer.ts";
import type { StreamTranslator } from "../../stream/pipeline.ts";
import type { SseMessage } from "../../stream/sse.ts";
import { messageId, type IdFactory } from "../shared/ids.ts";
import { chatFinishToStopReason } from "../shared/stop-reasons.ts";
import { errorObjectOf } from "../shared/openai-error.ts";
import { chatErrorObjectToUpstream } from "./errors.ts";
import { abortBlocks, addText, addToolFragment, finishBlocks, initBlocks, type BlockState } from "./stream-blocks.ts";
import { ChatAnswerSchema, type ChatChoice, type ChatToolCallDelta, type ChatUsage } from "./schema.ts";
import { parseWire } from "../shared/wire-schema.ts";
import { chatContentText } from "./response.ts";
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
    fail: (state, err) => terminate(state, thrownErrorEvent(err, "upstream stream failed: ")),
  };
}

function step(state: ChatStreamState, msg: SseMessage, opts: ChatStreamOptions): StreamEvent[] {
  if (state.done) return [];
  const data = msg.data.trim();
  if (data === "") return [];
  if (data === "[DONE]") return end(state);
  const parsed = parseWire(ChatAnswerSchema, data);
  if (!parsed.ok)
    return terminate(state, errorEvent("api_error", `upstream sent a malformed stream chunk (${parsed.problem})`));
  const chunk = parsed.value;
  if (chunk.error !== undefined && chunk.error !== null) {
    const err = chatErrorObjectToUpstream(errorObjectOf(chunk) ?? {}, 500);
    return terminate(state, errorEvent(err.type, err.message));
  }
  const out: StreamEvent[] = [];
  if (chunk.usage) state.usage = chunk.usage;
  if (!state.started) out.push(messageStart(state, opts));
  const choice = chunk.choices?.find((c) => c.index === 0 || c.index == null);
  if (choice && state.finishReason === undefined) applyChoice(state, choice, out);
  return out;
}

function applyChoice(state: ChatStreamState, choice: ChatChoice, out: StreamEvent[]): void {
  const delta = choice.delta ?? {};
  addText(state.blocks, "thinking", delta.reasoning_content || delta.reasoning || "", out);
  addText(state.blocks, "text", chatContentText(delta.content) || delta.refusal || "", out);
  if (delta.tool_calls) for (const call of delta.tool_calls) addToolDelta(state, call, out);
  else if (delta.function_call) addToolDelta(state, { index: "fc", function: delta.function_call }, out);
  if (!choice.finish_reason) return;
  state.finishReason = choice.finish_reason;
  const problem = finishBlocks(state.blocks, out);
  if (problem) out.push(...terminate(state, errorEvent("api_error", problem)));
}

function addToolDelta(state: ChatStreamState, call: ChatToolCallDelta, out: StreamEvent[]): void {
  const name = call.function?.name ?? "";
  const key = toolKey(state, call, name);
  state.sawToolCalls = true;
  state.lastToolKey = key;
  const args = call.function?.arguments;
  const fragment = { id: call.id ?? "", name, args: typeof args === "string" ? args : "" };
  addToolFragment(state.blocks, key, fragment, out);
}

/** By index when present, else by id, else a nameless fragment continues the previous call. */
function toolKey(state: ChatStreamState, call: ChatToolCallDelta, name: string): string {
  if (call.index != null) return `i:${call.index}`;
  if (call.id) return `id:${call.id}`;
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
    return terminate(state, errorEvent("api_error", "upstream stream ended without a finish_reason"));
  state.done = true;
  const stopReason = chatFinishToStopReason(state.finishReason, state.sawToolCalls);
  return [messageDeltaEvent(stopReason, chatUsageToAnthropic(state.usage)), messageStopEvent()];
}

/** Closes what is open and ends the stream with an Anthropic `error` event. */
function terminate(state: ChatStreamState, error: ErrorEvent): StreamEvent[] {
  if (state.done) return [];
  state.done = true;
  const out: StreamEvent[] = [];
  abortBlocks(state.blocks, out);
  out.push(error);
  return out;
}
