import type { MessageResponse } from "../../contracts/anthropic.ts";

export interface StopMatch {
  /** Where the stop string starts in the text. */
  index: number;
  stop: string;
}

/** The client's stop strings that can match (non-empty strings). */
export function usableStops(stops: unknown): string[] {
  if (!Array.isArray(stops)) return [];
  return stops.filter((s): s is string => typeof s === "string" && s !== "");
}

/** The earliest occurrence of any stop string in `text` (the longer one on a tie). */
export function findStop(text: string, stops: readonly string[]): StopMatch | undefined {
  let best: StopMatch | undefined;
  for (const stop of stops) {
    const index = text.indexOf(stop);
    if (index < 0) continue;
    if (!best || index < best.index || (index === best.index && stop.length > best.stop.length)) best = { index, stop };
  }
  return best;
}

/** How many trailing characters of `text` could still become a stop string once more text arrives. */
export function pendingStopLength(text: string, stops: readonly string[]): number {
  let keep = 0;
  for (const stop of stops) {
    for (let n = Math.min(stop.length - 1, text.length); n > keep; n--) {
      if (text.endsWith(stop.slice(0, n))) {
        keep = n;
        break;
      }
    }
  }
  return keep;
}

/**
 * A whole answer cut at the first stop string in its text, as Anthropic does: the text ends before
 * it, later blocks are dropped, and `stop_reason: "stop_sequence"` names the string.
 */
export function cutAtStopSequence(message: MessageResponse, stops: readonly string[]): MessageResponse {
  if (stops.length === 0) return message;
  for (const [i, block] of message.content.entries()) {
    if (block.type !== "text" || typeof block.text !== "string") continue;
    const match = findStop(block.text, stops);
    if (!match) continue;
    const text = block.text.slice(0, match.index);
    const content = [...message.content.slice(0, i), ...(text === "" ? [] : [{ ...block, text }])];
    return { ...message, content, stop_reason: "stop_sequence", stop_sequence: match.stop };
  }
  return message;
}
