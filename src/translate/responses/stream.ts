import type { ErrorEvent, StreamEvent } from "../../contracts/anthropic.ts";
import {
  blockDeltaEvent,
  blockStartEvent,
  blockStopEvent,
  emptyBlock,
  errorEvent,
  fragmentDelta,
  type StreamedKind,
  messageDeltaEvent,
  messageStartEvent,
  messageStopEvent,
  thrownErrorEvent,
} from "../../stream/event-writer.ts";
import { type IdFactory, messageId } from "../shared/ids.ts";
import { PLACEHOLDER_SIGNATURE } from "../shared/thinking-signature.ts";
import type { StreamTranslator } from "../../stream/pipeline.ts";
import { errorEventFor } from "./errors.ts";
import { encodeReasoningSignature } from "./opaque-state.ts";
import { responsesUsageToAnthropic } from "./usage.ts";
import { messageText, reasoningText, responsesStopReason, toolUseIdFor } from "./response.ts";
import { type OutputItem, type ResponseObject, type ResponsesEvent, ResponsesEventSchema } from "./schema.ts";
import { parseWire } from "../shared/wire-schema.ts";

export interface ResponsesStreamOptions {
  /** The model name reported to the client. */
  model: string;
  idFactory?: IdFactory;
}

/** One upstream output item. Text and thinking blocks start lazily, so empty items leave no empty blocks. */
interface ItemState {
  kind: StreamedKind;
  open: boolean;
  /** A delta reached the client for this item. */
  streamed: boolean;
  summaryIndex: number;
  toolUse?: { id: string; name: string };
}

export interface ResponsesStreamState {
  started: boolean;
  /** message_stop or an error event has been sent; nothing more may follow. */
  done: boolean;
  nextIndex: number;
  current?: ItemState;
  items: Map<number, ItemState>;
  sawToolCall: boolean;
}

const FAILED = "The Responses upstream failed the response";
const SENT_ERROR = "The Responses upstream sent an error";
const MALFORMED = "The Responses upstream sent a malformed stream event";

/** Responses SSE events → Anthropic stream events. Pure; never throws. */
export function responsesStreamTranslator(opts: ResponsesStreamOptions): StreamTranslator<ResponsesStreamState> {
  const run = (fn: (ctx: Ctx) => void): StreamEvent[] => {
    const ctx: Ctx = { opts, out: [] };
    fn(ctx);
    return ctx.out;
  };
  return {
    init: () => ({ started: false, done: false, nextIndex: 0, items: new Map(), sawToolCall: false }),
    step: (state, msg) =>
      run((ctx) => {
        if (state.done || msg.data.trim() === "" || msg.data === "[DONE]") return;
        const parsed = parseWire(ResponsesEventSchema, msg.data);
        if (!parsed.ok) return void ctx.out.push(...terminate(state, apiError(`${MALFORMED} (${parsed.problem})`)));
        const data = parsed.value;
        try {
          handle(ctx, state, data.type ?? msg.event ?? "", data);
        } catch (err) {
          ctx.out.push(...terminate(state, apiError(`Failed to translate the Responses stream: ${String(err)}`)));
        }
      }),
    finish: (state) =>
      run((ctx) => {
        if (!state.done)
          ctx.out.push(
            ...terminate(state, errorEventFor(undefined, "The Responses stream closed before response.completed")),
          );
      }),
    fail: (state, err) =>
      run((ctx) => {
        if (state.done) return;
        ctx.out.push(...terminate(state, thrownErrorEvent(err, "The Responses stream broke: ")));
      }),
  };
}

interface Ctx {
  opts: ResponsesStreamOptions;
  out: StreamEvent[];
}

function handle(ctx: Ctx, state: ResponsesStreamState, type: string, data: ResponsesEvent): void {
  const index = data.output_index ?? -1;
  const delta = data.delta ?? "";
  switch (type) {
    case "response.created":
    case "response.in_progress":
    case "response.queued":
      return ensureStarted(ctx, state);
    case "response.output_item.added":
      return addItem(ctx, state, index, data.item);
    case "response.reasoning_summary_text.delta":
    case "response.reasoning_text.delta":
      return thinkingDelta(ctx, state, index, delta, data.summary_index ?? 0);
    case "response.output_text.delta":
    case "response.refusal.delta":
      return emitDelta(ctx, state, itemFor(state, index, "text"), delta);
    case "response.function_call_arguments.delta":
      return argumentsDelta(ctx, state, index, delta);
    case "response.output_item.done":
      return finishItem(ctx, state, index, data.item);
    case "response.completed":
    case "response.incomplete":
      return complete(ctx, state, data.response);
    case "response.failed":
      return void ctx.out.push(...terminate(state, errorEventFor(data.response?.error, FAILED)));
    case "error":
      return void ctx.out.push(...terminate(state, errorEventFor(data.error ?? data, SENT_ERROR)));
  }
}

function ensureStarted(ctx: Ctx, state: ResponsesStreamState): void {
  if (state.started) return;
  state.started = true;
  const usage = { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 };
  ctx.out.push(messageStartEvent({ id: messageId(ctx.opts.idFactory), model: ctx.opts.model, usage }));
}

function addItem(ctx: Ctx, state: ResponsesStreamState, index: number, item: OutputItem | null | undefined): void {
  ensureStarted(ctx, state);
  const kind = kindOf(item?.type);
  if (!kind || !item) return;
  const st = newItem(state, index, kind);
  if (kind !== "tool_use") return;
  st.toolUse = { id: toolUseIdFor(item.call_id, ctx.opts.idFactory), name: item.name ?? "" };
  openBlock(ctx, state, st);
}

function kindOf(type: unknown): StreamedKind | undefined {
  if (type === "reasoning") return "thinking";
  if (type === "message") return "text";
  if (type === "function_call") return "tool_use";
  return undefined;
}

function newItem(state: ResponsesStreamState, index: number, kind: StreamedKind): ItemState {
  const st: ItemState = { kind, open: false, streamed: false, summaryIndex: 0 };
  state.items.set(index, st);
  return st;
}

/** The item at `index`, created on the fly when its output_item.added never came. */
function itemFor(state: ResponsesStreamState, index: number, kind: StreamedKind): ItemState {
  const st = state.items.get(index);
  return st && st.kind === kind ? st : newItem(state, index, kind);
}

/** Summary parts of one reasoning item share one thinking block, separated by a blank line. */
function thinkingDelta(
  ctx: Ctx,
  state: ResponsesStreamState,
  index: number,
  delta: string,
  summaryIndex: number,
): void {
  const st = itemFor(state, index, "thinking");
  const separator = st.streamed && summaryIndex !== st.summaryIndex ? "\n\n" : "";
  st.summaryIndex = summaryIndex;
  emitDelta(ctx, state, st, separator + delta);
}

function argumentsDelta(ctx: Ctx, state: ResponsesStreamState, index: number, delta: string): void {
  const st = state.items.get(index);
  if (st?.kind !== "tool_use" || !st.open) return; // no name/id to open a block with, or already closed
  emitDelta(ctx, state, st, delta);
}

function emitDelta(ctx: Ctx, state: ResponsesStreamState, st: ItemState, fragment: string): void {
  if (fragment === "") return;
  ensureStarted(ctx, state);
  if (!st.open) openBlock(ctx, state, st);
  st.streamed = true;
  ctx.out.push(blockDeltaEvent(state.nextIndex - 1, fragmentDelta(st.kind, fragment)));
}

function openBlock(ctx: Ctx, state: ResponsesStreamState, st: ItemState): void {
  if (state.current) closeBlock(ctx.out, state, state.current);
  ctx.out.push(blockStartEvent(state.nextIndex++, emptyBlock(st.kind, st.toolUse)));
  st.open = true;
  state.current = st;
}

/** Closes the open block; a thinking block closed before its item is done still gets a signature. */
function closeBlock(
  out: StreamEvent[],
  state: ResponsesStreamState,
  st: ItemState,
  signature = PLACEHOLDER_SIGNATURE,
): void {
  if (!st.open) return;
  const index = state.nextIndex - 1;
  if (st.kind === "thinking") out.push(blockDeltaEvent(index, { type: "signature_delta", signature }));
  out.push(blockStopEvent(index));
  st.open = false;
  state.current = undefined;
}

function finishItem(ctx: Ctx, state: ResponsesStreamState, index: number, item: OutputItem | null | undefined): void {
  const kind = kindOf(item?.type);
  if (!kind || !item) return;
  ensureStarted(ctx, state);
  const st = state.items.get(index)?.kind === kind ? state.items.get(index)! : undefined;
  if (kind === "tool_use") return finishToolUse(ctx, state, st, index, item);
  const current = st ?? newItem(state, index, kind);
  const encrypted = item.encrypted_content ?? undefined;
  if (!current.open) {
    // Nothing streamed for this item (or its block was cut short): send what the done item holds.
    const text = current.streamed ? "" : kind === "thinking" ? reasoningText(item) : messageText(item);
    if (text === "" && !(kind === "thinking" && encrypted)) return;
    openBlock(ctx, state, current);
    emitDelta(ctx, state, current, text);
  }
  closeBlock(ctx.out, state, current, encodeReasoningSignature(encrypted));
}

function finishToolUse(
  ctx: Ctx,
  state: ResponsesStreamState,
  st: ItemState | undefined,
  index: number,
  item: OutputItem,
): void {
  let current = st;
  if (!current) {
    current = newItem(state, index, "tool_use");
    current.toolUse = { id: toolUseIdFor(item.call_id, ctx.opts.idFactory), name: item.name ?? "" };
    openBlock(ctx, state, current);
  }
  if (!current.open) return;
  const args = item.arguments ?? "";
  if (!current.streamed) emitDelta(ctx, state, current, args);
  closeBlock(ctx.out, state, current);
  state.sawToolCall = true;
}

function complete(ctx: Ctx, state: ResponsesStreamState, response: ResponseObject | null | undefined): void {
  ensureStarted(ctx, state);
  if (state.current) closeBlock(ctx.out, state, state.current);
  const sawToolCall = state.sawToolCall || (response?.output ?? []).some((i) => i.type === "function_call");
  const stop_reason = responsesStopReason(response, sawToolCall);
  ctx.out.push(messageDeltaEvent(stop_reason, responsesUsageToAnthropic(response?.usage)));
  ctx.out.push(messageStopEvent());
  state.done = true;
}

/** Closes what is open and ends the stream with an Anthropic `error` event. */
function terminate(state: ResponsesStreamState, error: ErrorEvent): StreamEvent[] {
  if (state.done) return [];
  const out: StreamEvent[] = [];
  if (state.current) closeBlock(out, state, state.current);
  out.push(error);
  state.done = true;
  return out;
}

function apiError(message: string): ErrorEvent {
  return errorEvent("api_error", message);
}
