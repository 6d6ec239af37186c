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
