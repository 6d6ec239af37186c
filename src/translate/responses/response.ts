import type { ContentBlock, MessageResponse, StopReason } from "../../contracts/anthropic.ts";
import { isRecord } from "../../util/is-record.ts";
import { type IdFactory, toolUseId } from "../shared/ids.ts";
import { anthropicMessage } from "../shared/message.ts";
import { TranslateError } from "../../util/errors.ts";
import { responseFailureError } from "./errors.ts";
import { callIdToToolUseId, encodeReasoningSignature } from "./opaque-state.ts";
import { type OutputItem, type ResponseObject, ResponseObjectSchema } from "./schema.ts";
import { responsesUsageToAnthropic } from "./usage.ts";
import { checkWire, malformedAnswer } from "../shared/wire-schema.ts";

export interface FromResponsesOptions {
  /** The model name reported to the client. */
  model: string;
  idFactory?: IdFactory;
}

/** A completed Responses `response` object → an Anthropic message. A failed one throws UpstreamError. */
export function fromResponsesResponse(body: unknown, opts: FromResponsesOptions): MessageResponse {
  const response = asResponseObject(body);
  if (response.status === "failed" || (response.error !== null && response.error !== undefined))
    throw responseFailureError(response.error);
  const content: ContentBlock[] = [];
  let sawToolCall = false;
  for (const item of response.output ?? []) {
    const block = outputItemToBlock(item, opts.idFactory);
    if (!block) continue;
    if (block.type === "tool_use") sawToolCall = true;
    content.push(block);
  }
  return anthropicMessage(
    opts,
    content,
    responsesStopReason(response, sawToolCall),
    responsesUsageToAnthropic(response.usage),
  );
}

/** The `response` object, also when it comes wrapped in a `response.completed` event's data. */
function asResponseObject(body: unknown): ResponseObject {
  const candidate = isRecord(body) && body.object !== "response" && isRecord(body.response) ? body.response : body;
  if (!isRecord(candidate) || !Array.isArray(candidate.output)) {
    throw new TranslateError("The Responses upstream returned a body without an output array");
  }
  const checked = checkWire(ResponseObjectSchema, candidate);
  if (!checked.ok) throw malformedAnswer("Responses response", checked.problem);
  return checked.value;
}

function outputItemToBlock(item: OutputItem, idFactory?: IdFactory): ContentBlock | undefined {
  switch (item.type) {
    case "reasoning": {
      const thinking = reasoningText(item);
      const encrypted = item.encrypted_content ?? undefined;
      if (thinking === "" && !encrypted) return undefined;
      return { type: "thinking", thinking, signature: encodeReasoningSignature(encrypted) };
    }
    case "message": {
      const text = messageText(item);
      return text === "" ? undefined : { type: "text", text };
    }
    case "function_call":
      return {
        type: "tool_use",
        id: toolUseIdFor(item.call_id, idFactory),
        name: item.name ?? "",
        input: parseArguments(item.arguments, item.name),
      };
    default:
      return undefined;
  }
}

export function toolUseIdFor(callId: unknown, idFactory?: IdFactory): string {
  return typeof callId === "string" && callId !== "" ? callIdToToolUseId(callId) : toolUseId(idFactory);
}

/** The summary parts of a reasoning item (or its raw reasoning text), joined into one thinking text. */
export function reasoningText(item: OutputItem): string {
  const parts = [...(item.summary ?? []), ...(item.content ?? [])];
  return parts
    .map((p) => p.text ?? "")
    .filter((t) => t !== "")
    .join("\n\n");
}

/** output_text (and refusal) parts of a message item, concatenated. */
export function messageText(item: OutputItem): string {
  return (item.content ?? []).map((p) => p.text ?? p.refusal ?? "").join("");
}

export function parseArguments(args: unknown, name: unknown): unknown {
  if (typeof args !== "string" || args.trim() === "") return {};
  try {
    return JSON.parse(args);
  } catch {
    throw new TranslateError(
      `The Responses upstream sent invalid JSON arguments for tool ${String(name)}: ${args.slice(0, 200)}`,
    );
  }
}

/** tool_use when a function call completed; otherwise the incomplete reason decides. */
export function responsesStopReason(response: ResponseObject | null | undefined, sawToolCall: boolean): StopReason {
  if (sawToolCall) return "tool_use";
  const reason = response?.incomplete_details?.reason;
  if (reason === "max_output_tokens") return "max_tokens";
  if (reason === "content_filter") return "refusal";
  return "end_turn";
}
