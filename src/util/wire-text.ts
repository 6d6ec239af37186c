/**
 * Text that came from data (a client's model name, a config name, a session id) on its way into
 * a URL or a header, where it must stay data and never become syntax.
 */

const encoder = new TextEncoder();

/** Bytes a header value may carry as they are: visible ASCII and the space, but not `%` (the escape itself). */
const HEADER_SAFE = /^[\x20-\x24\x26-\x7e]*$/;

const LONE_SURROGATE = /\p{Cs}/gu;

function percentByte(byte: number): string {
  return `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
}

/**
 * `text` as a header value: unchanged when it is visible ASCII, else every other byte of its UTF-8
 * (control characters, `%`, anything past ASCII) percent-encoded, so `decodeURIComponent` gives it
 * back. A header can never throw on it or be split by it.
 */
export function headerSafe(text: string): string {
  if (HEADER_SAFE.test(text)) return text;
  let out = "";
  for (const char of text) {
    if (char !== "%" && HEADER_SAFE.test(char)) out += char;
    else for (const byte of encoder.encode(char)) out += percentByte(byte);
  }
  return out;
}

/**
 * `text` as one URL path segment: `/`, `?`, `#`, `:`, `%` and anything outside ASCII encoded, so a
 * model name can never leave the endpoint it was put in. `@` stays literal, as Vertex writes
 * versioned Claude models (`claude-sonnet-4@20250514`) and the official SDKs send them.
 */
export function pathSegment(text: string): string {
  return encodeURIComponent(text.replace(LONE_SURROGATE, "\uFFFD")).replaceAll("%40", "@");
}
