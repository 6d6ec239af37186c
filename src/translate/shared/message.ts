import type { ContentBlock, MessageResponse, StopReason, Usage } from "../../contracts/anthropic.ts";
import { messageId, type IdFactory } from "./ids.ts";

/** A complete non-streaming Anthropic Message, as every translating dialect builds it. */
export function anthropicMessage(
  opts: { model: string; idFactory?: IdFactory },
  content: ContentBlock[],
  stopReason: StopReason,
  usage: Usage,
): MessageResponse {
  return {
    id: messageId(opts.idFactory),
    type: "message",
    role: "assistant",
    model: opts.model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage,
  };
}
