import { Buffer } from "node:buffer";

const latin1 = new TextDecoder("latin1");
const STOP = /^event: ?message_stop\r?$|"type": ?"message_stop"/m;
const ERROR = /^event: ?error\r?$/m;
/** Bytes of context kept on each side of a match: enough for `"type": "` or `event: ` and a line end. */
const WINDOW = 16;

/** Index of the line start at or before `at`. */
function lineStart(bytes: Uint8Array, at: number): number {
  let i = at;
  while (i > 0 && bytes[i - 1] !== 0x0a) i--;
  return i;
}

/** Tests `re` only on the lines around each occurrence of `needle`, found natively. */
function matchesNear(buf: Buffer, needle: string, re: RegExp): boolean {
  for (let at = buf.indexOf(needle); at !== -1; at = buf.indexOf(needle, at + needle.length)) {
    const from = lineStart(buf, Math.max(0, at - WINDOW));
    const to = Math.min(buf.length, at + needle.length + WINDOW);
    if (re.test(latin1.decode(buf.subarray(from, to)))) return true;
  }
  return false;
}

/**
 * Whether these whole SSE events include the stream's end: a `message_stop` event or an `error`
 * event. The bytes are searched natively; only the few lines around a hit are decoded.
 */
export function endsStream(bytes: Uint8Array): boolean {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return matchesNear(buf, "message_stop", STOP) || matchesNear(buf, "error", ERROR);
}

/** Whether these whole SSE events include an `event: error` frame. */
export function hasErrorEvent(bytes: Uint8Array): boolean {
  return matchesNear(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), "error", ERROR);
}

const FRAME_END = /(\r?\n\r?\n)/;
const ERROR_LINE = /^event: ?error\r?$/m;

/** Whole SSE events with each `event: error` frame passed through `rewrite`; other frames untouched. */
export function rewriteErrorFrames(text: string, rewrite: (frame: string) => string): string {
  const parts = text.split(FRAME_END);
  for (let i = 0; i < parts.length; i += 2) {
    const frame = parts[i]!;
    if (ERROR_LINE.test(frame)) parts[i] = rewrite(frame);
  }
  return parts.join("");
}
