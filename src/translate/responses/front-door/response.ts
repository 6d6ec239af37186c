import {
  type ContentBlock,
  knownBlock,
  type MessageResponse,
  type StopReason,
  type Usage,
} from "../../../contracts/anthropic.ts";
import { REDACTED_PREFIX } from "./request-input.ts";
import type {
  FrontDoorResponseOptions,
  OutputItem,
  ResponseObject,
  ResponseStatus,
  ResponsesUsageOut,
} from "./types.ts";

/** `msg_abc` → `abc`: the base of the response id and its item ids. */
const idBase = (messageId: string) => messageId.replace(/^msg_/, "");

export const responseIdOf = (messageId: string) => `resp_${idBase(messageId)}`;

/** One output item per Anthropic content block: `msg_…`, `rs_…` or `fc_…` + the message id + the block's index. */
export function itemId(kind: "msg" | "rs" | "fc", messageId: string, index: number): string {
  return `${kind}_${idBase(messageId)}_${index}`;
}

/** Responses usage counts cached tokens inside input_tokens (Anthropic counts them apart). */
export function responsesUsage(usage: Partial<Usage> | undefined): ResponsesUsageOut {
  const cached = usage?.cache_read_input_tokens ?? 0;
  const input = (usage?.input_tokens ?? 0) + cached + (usage?.cache_creation_input_tokens ?? 0);
  const output = usage?.output_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}

/** The end of an answer in Responses' terms: max_tokens and refusal are `incomplete`, the rest `completed`. */
export function endOf(stop: StopReason | null | undefined): Pick<ResponseObject, "status" | "incomplete_details"> {
  if (stop === "max_tokens" || stop === "model_context_window_exceeded")
    return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  if (stop === "refusal") return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  return { status: "completed", incomplete_details: null };
}

/** A `response` object; the stream sends it in response.created / in_progress / completed. */
export function responseObject(
  id: string,
  opts: FrontDoorResponseOptions,
  status: ResponseStatus,
  output: OutputItem[],
  usage: ResponsesUsageOut | null,
): ResponseObject {
  return {
    id,
    object: "response",
    created_at: opts.createdAt,
    status,
    error: null,
    incomplete_details: null,
    model: opts.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    store: false,
    tool_choice: "auto",
    tools: [],
    text: { format: { type: "text" } },
    truncation: "disabled",
    metadata: {},
    usage,
  };
}

/** An Anthropic content block → its output item; undefined for blocks Responses has no item for (server tools). */
export function outputItem(block: ContentBlock, messageId: string, index: number): OutputItem | undefined {
  const known = knownBlock(block);
  switch (known?.type) {
    case "text":
      return {
        type: "message",
        id: itemId("msg", messageId, index),
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: known.text, annotations: [], logprobs: [] }],
      };
    case "thinking":
      return {
        type: "reasoning",
        id: itemId("rs", messageId, index),
        summary: known.thinking ? [{ type: "summary_text", text: known.thinking }] : [],
        ...(known.signature ? { encrypted_content: known.signature } : {}),
      };
    case "redacted_thinking":
      return {
        type: "reasoning",
        id: itemId("rs", messageId, index),
        summary: [],
        encrypted_content: `${REDACTED_PREFIX}${known.data}`,
      };
    case "tool_use":
      return {
        type: "function_call",
        id: itemId("fc", messageId, index),
        call_id: known.id,
        name: known.name,
        arguments: JSON.stringify(known.input ?? {}),
        status: "completed",
      };
    default:
      return undefined;
  }
}

/** An Anthropic Message → an OpenAI `response` object. */
export function toResponsesResponse(msg: MessageResponse, opts: FrontDoorResponseOptions): ResponseObject {
  const blocks = Array.isArray(msg.content) ? msg.content : [];
  const output = blocks.flatMap((b, i) => outputItem(b, msg.id, i) ?? []);
  const end = endOf(msg.stop_reason);
  return { ...responseObject(responseIdOf(msg.id), opts, end.status, output, responsesUsage(msg.usage)), ...end };
}
