import type { StreamEvent } from "../contracts/anthropic.ts";
import { restoreToolNameInEvent, type ToolNameRestore } from "../translate/anthropic/tool-names.ts";
import { pumpSse, type StreamTranslator } from "../stream/pipeline.ts";
import type { SseMessage } from "../stream/sse.ts";

const encoder = new TextEncoder();

function restoreMessage(msg: SseMessage, restore: ToolNameRestore): string {
  let data = msg.data;
  if (msg.event === "content_block_start" && data.includes('"tool_use"')) {
    try {
      data = JSON.stringify(restoreToolNameInEvent(JSON.parse(data) as StreamEvent, restore));
    } catch {
      // not JSON: relayed as it came, the client reports it
    }
  }
  return msg.event ? `event: ${msg.event}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
}

/**
 * An Anthropic SSE body relayed with the client's tool names put back in `tool_use` block starts.
 * Every other event goes through as its data text; a broken upstream body ends the stream.
 */
export function restoreToolNamesInSse(
  body: ReadableStream<Uint8Array>,
  restore: ToolNameRestore,
): ReadableStream<Uint8Array> {
  if (restore.size === 0) return body;
  return pumpSse<string>(body, {
    step: (msg) => [restoreMessage(msg, restore)],
    finish: () => [],
    fail: () => [],
    encode: (out) => encoder.encode(out.join("")),
  });
}

/** `inner` with the client's tool names put back in every event it produces. */
export function restoringTranslator<S>(inner: StreamTranslator<S>, restore: ToolNameRestore): StreamTranslator<S> {
  if (restore.size === 0) return inner;
  const fix = (events: StreamEvent[]) => events.map((e) => restoreToolNameInEvent(e, restore));
  return {
    init: () => inner.init(),
    step: (state, msg) => fix(inner.step(state, msg)),
    finish: (state) => fix(inner.finish(state)),
    fail: (state, err) => fix(inner.fail(state, err)),
  };
}
