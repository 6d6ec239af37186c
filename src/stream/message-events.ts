import { knownBlock, type ContentBlock, type MessageResponse, type StreamEvent } from "../contracts/anthropic.ts";
import {
  blockDeltaEvent,
  blockStartEvent,
  blockStopEvent,
  emptyBlock,
  fragmentDelta,
  messageDeltaEvent,
  messageStartEvent,
  messageStopEvent,
} from "./event-writer.ts";

/** One block as a stream sends it: opened empty, its content in one delta (Claude Code ignores a full start). */
function blockEvents(index: number, block: ContentBlock): StreamEvent[] {
  const known = knownBlock(block);
  const stop = blockStopEvent(index);
  if (known?.type === "text")
    return [
      blockStartEvent(index, emptyBlock("text")),
      blockDeltaEvent(index, fragmentDelta("text", known.text)),
      stop,
    ];
  if (known?.type === "tool_use") {
    const input = JSON.stringify(known.input ?? {});
    const start = blockStartEvent(index, emptyBlock("tool_use", known));
    return [start, blockDeltaEvent(index, fragmentDelta("tool_use", input)), stop];
  }
  if (known?.type === "thinking") {
    const thinking = blockDeltaEvent(index, fragmentDelta("thinking", known.thinking));
    const signed = blockDeltaEvent(index, { type: "signature_delta", signature: known.signature ?? "" });
    return [blockStartEvent(index, emptyBlock("thinking")), thinking, signed, stop];
  }
  return [blockStartEvent(index, block), stop];
}

/** Whether a parsed JSON body is an Anthropic message (as far as replaying it as a stream needs). */
export function isMessage(body: unknown): body is MessageResponse {
  const m = body as Partial<MessageResponse> | null;
  return typeof m === "object" && m !== null && m.type === "message" && Array.isArray(m.content);
}

/** A whole message as the stream of events that would have carried it. */
export function messageEvents(message: MessageResponse): StreamEvent[] {
  const usage = message.usage ?? {};
  const start = messageStartEvent({
    id: message.id,
    model: message.model,
    usage: { ...usage, output_tokens: 0 },
  });
  const blocks = message.content.flatMap((block, i) => blockEvents(i, block));
  const end = messageDeltaEvent(message.stop_reason ?? null, usage, message.stop_sequence ?? null);
  return [start, ...blocks, end, messageStopEvent()];
}
