import { isAnthropicErrorType, statusForErrorType, TranslateError, UpstreamError } from "../../util/errors.ts";
import type {
  BlockDelta,
  ContentBlock,
  MessageDeltaEvent,
  MessageResponse,
  StreamEvent,
  Usage,
} from "../../contracts/anthropic.ts";

/**
 * Builds the non-streaming message from Anthropic stream events, for upstreams that only stream.
 * Works on any translator's output. An `error` event throws UpstreamError with its type.
 */
export function assembleFromStream(events: Iterable<StreamEvent>): MessageResponse {
  let message: MessageResponse | undefined;
  let stopped = false;
  const blocks: ContentBlock[] = [];
  const partialJson = new Map<number, string>();
  for (const event of events) {
    switch (event.type) {
      case "message_start": {
        const usage = { input_tokens: 0, output_tokens: 0, ...event.message.usage };
        message = { ...event.message, content: [], usage };
        break;
      }
      case "content_block_start":
        blocks[event.index] = { ...event.content_block };
        break;
      case "content_block_delta":
        applyDelta(blocks[event.index], event.delta, partialJson, event.index);
        break;
      case "content_block_stop":
        finishToolInput(blocks[event.index], partialJson, event.index);
        break;
      case "message_delta":
        if (message) applyMessageDelta(message, event);
        break;
      case "message_stop":
        stopped = true;
        break;
      case "error":
        throw errorFromEvent(event.error);
    }
  }
  if (!message) throw new TranslateError("The upstream stream ended without a message_start event");
  if (!stopped) throw new TranslateError("The upstream stream ended before message_stop");
  for (const index of partialJson.keys()) finishToolInput(blocks[index], partialJson, index);
  message.content = blocks.filter((b) => b !== undefined);
  return message;
}

function applyDelta(
  block: ContentBlock | undefined,
  delta: BlockDelta,
  partialJson: Map<number, string>,
  index: number,
): void {
  if (!block || !delta) return;
  switch (delta.type) {
    case "text_delta":
      block.text = String(block.text ?? "") + delta.text;
      break;
    case "thinking_delta":
      block.thinking = String(block.thinking ?? "") + delta.thinking;
      break;
    case "signature_delta":
      block.signature = delta.signature;
      break;
    case "input_json_delta":
      partialJson.set(index, (partialJson.get(index) ?? "") + delta.partial_json);
      break;
    case "citations_delta":
      block.citations = [...(Array.isArray(block.citations) ? block.citations : []), delta.citation];
      break;
  }
}

/** input_json_delta fragments only make sense joined; an empty join keeps the start's input. */
function finishToolInput(block: ContentBlock | undefined, partialJson: Map<number, string>, index: number): void {
  const json = partialJson.get(index);
  partialJson.delete(index);
  if (!block || json === undefined || json.trim() === "") return;
  try {
    block.input = JSON.parse(json);
  } catch {
    throw new TranslateError(
      `The upstream streamed invalid JSON input for tool ${String(block.name)}: ${json.slice(0, 200)}`,
    );
  }
}

/** Usage in message_delta is cumulative; input and cache counts keep message_start's value when 0/null. */
function applyMessageDelta(message: MessageResponse, event: MessageDeltaEvent): void {
  const { delta } = event;
  if (delta.stop_reason !== undefined) message.stop_reason = delta.stop_reason;
  if (delta.stop_sequence !== undefined) message.stop_sequence = delta.stop_sequence;
  const merged: Usage = { ...message.usage };
  for (const [key, value] of Object.entries(event.usage ?? {})) {
    if (value === null || value === undefined) continue;
    if (key !== "output_tokens" && value === 0 && typeof merged[key] === "number") continue;
    merged[key] = value;
  }
  message.usage = merged;
}

/** An Anthropic `error` event's payload → UpstreamError with the matching status. */
export function errorFromEvent(error: unknown): UpstreamError {
  const e: { type?: unknown; message?: unknown } = typeof error === "object" && error !== null ? error : {};
  const type = isAnthropicErrorType(e.type) ? e.type : "api_error";
  const message =
    typeof e.message === "string" && e.message !== "" ? e.message : "The upstream stream reported an error";
  return new UpstreamError({ status: statusForErrorType(type) ?? 500, type, message });
}
