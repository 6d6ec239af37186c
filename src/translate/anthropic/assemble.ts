import { type AnthropicErrorType, statusForErrorType, TranslateError, UpstreamError } from "../../util/errors.ts";
import type { ContentBlock, MessageResponse, StreamEvent, Usage } from "../../contracts/anthropic.ts";

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
      case "message_start":
        message = { ...(event.message as MessageResponse), content: [] };
        break;
      case "content_block_start":
        blocks[event.index as number] = { ...(event.content_block as ContentBlock) };
        break;
      case "content_block_delta":
        applyDelta(
          blocks[event.index as number],
          event.delta as Record<string, unknown>,
          partialJson,
          event.index as number,
        );
        break;
      case "content_block_stop":
        finishToolInput(blocks[event.index as number], partialJson, event.index as number);
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
  delta: Record<string, unknown>,
  partialJson: Map<number, string>,
  index: number,
): void {
  if (!block || !delta) return;
  const b = block as Record<string, unknown>;
  switch (delta.type) {
    case "text_delta":
      b.text = String(b.text ?? "") + String(delta.text ?? "");
      break;
    case "thinking_delta":
      b.thinking = String(b.thinking ?? "") + String(delta.thinking ?? "");
      break;
    case "signature_delta":
      b.signature = String(delta.signature ?? "");
      break;
    case "input_json_delta":
      partialJson.set(index, (partialJson.get(index) ?? "") + String(delta.partial_json ?? ""));
      break;
    case "citations_delta":
      b.citations = [...(Array.isArray(b.citations) ? b.citations : []), delta.citation];
      break;
  }
}

/** input_json_delta fragments only make sense joined; an empty join keeps the start's input. */
function finishToolInput(block: ContentBlock | undefined, partialJson: Map<number, string>, index: number): void {
  const json = partialJson.get(index);
  partialJson.delete(index);
  if (!block || json === undefined || json.trim() === "") return;
  try {
    (block as Record<string, unknown>).input = JSON.parse(json);
  } catch {
    throw new TranslateError(
      `The upstream streamed invalid JSON input for tool ${String(block.name)}: ${json.slice(0, 200)}`,
    );
  }
}

/** Usage in message_delta is cumulative; input and cache counts keep message_start's value when 0/null. */
function applyMessageDelta(message: MessageResponse, event: StreamEvent): void {
  const delta = (event.delta ?? {}) as { stop_reason?: MessageResponse["stop_reason"]; stop_sequence?: string | null };
  if (delta.stop_reason !== undefined) message.stop_reason = delta.stop_reason;
  if (delta.stop_sequence !== undefined) message.stop_sequence = delta.stop_sequence;
  const usage = (event.usage ?? {}) as Partial<Usage>;
  const merged: Usage = { ...message.usage };
  for (const [key, value] of Object.entries(usage)) {
    if (value === null || value === undefined) continue;
    if (key !== "output_tokens" && value === 0 && typeof merged[key] === "number") continue;
    merged[key] = value;
  }
  message.usage = merged;
}

/** An Anthropic `error` event's payload → UpstreamError with the matching status. */
export function errorFromEvent(error: unknown): UpstreamError {
  const e = (error ?? {}) as { type?: unknown; message?: unknown };
  const type = (
    typeof e.type === "string" && statusForErrorType(e.type) !== undefined ? e.type : "api_error"
  ) as AnthropicErrorType;
  const message =
    typeof e.message === "string" && e.message !== "" ? e.message : "The upstream stream reported an error";
  return new UpstreamError({ status: statusForErrorType(type) ?? 500, type, message });
}
