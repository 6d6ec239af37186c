import type { StreamEvent, Usage } from "../contracts/anthropic.ts";
import { concatBytes } from "../util/bytes.ts";

export interface UsageCounts {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
}

type Key = keyof UsageCounts;

const encoder = new TextEncoder();
const NEEDLE = encoder.encode('_tokens"');
/** `"<name>_tokens":` keys, by the text before `_tokens`. */
const KEYS: [prefix: Uint8Array, key: Key][] = [
  [encoder.encode('"input'), "input"],
  [encoder.encode('"output'), "output"],
  [encoder.encode('"cache_read_input'), "cacheRead"],
  [encoder.encode('"cache_creation_input'), "cacheWrite"],
];
const LONGEST_PREFIX = 21;
/** Bytes kept from the end of the stream so far, for a key or number split across chunks. */
const CARRY = 64;
const UNDERSCORE = 0x5f,
  COLON = 0x3a,
  ZERO = 0x30,
  NINE = 0x39;
/** Scan flags: a match may continue in the next chunk / may have begun in the previous one. */
const OPEN_TAIL = 1,
  OPEN_HEAD = 2;

function matchesAt(bytes: Uint8Array, pattern: Uint8Array, at: number): boolean {
  if (at < 0 || at + pattern.length > bytes.length) return false;
  for (let i = 0; i < pattern.length; i++) if (bytes[at + i] !== pattern[i]) return false;
  return true;
}

function keyBefore(bytes: Uint8Array, at: number): Key | undefined {
  for (const [prefix, key] of KEYS) if (matchesAt(bytes, prefix, at - prefix.length)) return key;
  return undefined;
}

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

/**
 * Output keeps the latest value (it grows during a stream). Input and the cache counts keep the
 * latest non-zero one: a translated message_start carries ccmux's estimate, and the upstream's
 * exact figure arrives later in message_delta; a later 0 means "not reported", not "none".
 */
function record(usage: UsageCounts, key: Key, n: number): void {
  if (key === "output") usage.output = n;
  else if (n > 0 || usage[key] === undefined) usage[key] = n;
}

/** Reads the number after `_tokens":` (JSON whitespace allowed); OPEN_TAIL when the bytes end first. */
function readNumber(bytes: Uint8Array, at: number, key: Key, usage: UsageCounts): number {
  let i = at + NEEDLE.length;
  if (i >= bytes.length) return OPEN_TAIL;
  if (bytes[i] !== COLON) return 0;
  for (i++; isSpace(bytes[i]); i++);
  const first = i;
  let n = 0;
  for (; i < bytes.length && bytes[i]! >= ZERO && bytes[i]! <= NINE; i++) n = n * 10 + bytes[i]! - ZERO;
  if (i > first) record(usage, key, n);
  return i >= bytes.length ? OPEN_TAIL : 0;
}

/** Records every complete `"…_tokens": N` in `bytes`, in order. */
function scan(bytes: Uint8Array, usage: UsageCounts): number {
  let flags = 0;
  for (let at = bytes.indexOf(UNDERSCORE); at !== -1; at = bytes.indexOf(UNDERSCORE, at + 1)) {
    if (at + NEEDLE.length > bytes.length) return flags | OPEN_TAIL;
    if (!matchesAt(bytes, NEEDLE, at)) continue;
    if (at < LONGEST_PREFIX) flags |= OPEN_HEAD;
    const key = keyBefore(bytes, at);
    if (key) flags |= readNumber(bytes, at, key, usage);
  }
  return flags;
}

/** Whether a `_tokens"` starts so early in `bytes` that its key may lie in the previous chunk. */
function openHead(bytes: Uint8Array): boolean {
  for (let at = bytes.indexOf(UNDERSCORE); at !== -1 && at < LONGEST_PREFIX; at = bytes.indexOf(UNDERSCORE, at + 1)) {
    if (matchesAt(bytes, NEEDLE, at)) return true;
  }
  return false;
}

/** Follows token usage across the chunks of one body, in order, without changing a byte. */
export interface UsageWatcher {
  watch(chunk: Uint8Array): void;
  readonly usage: UsageCounts;
}

/**
 * Chunks are searched as bytes, never decoded; the seam between two chunks is copied only when a
 * match may straddle it, so any chunking gives the same counts.
 */
export function createUsageWatcher(): UsageWatcher {
  const usage: UsageCounts = {};
  let carry: Uint8Array = new Uint8Array(0);
  let tailOpen = false;
  return {
    usage,
    watch(value) {
      let flags = 0;
      if (carry.length > 0 && (tailOpen || openHead(value))) {
        const seam = scan(concatBytes(carry, value.subarray(0, CARRY)), usage);
        if (value.length <= CARRY) flags = seam;
      }
      tailOpen = ((flags | scan(value, usage)) & OPEN_TAIL) !== 0;
      carry = value.length >= CARRY ? value.slice(value.length - CARRY) : concatBytes(carry, value).subarray(-CARRY);
    },
  };
}

/** Token usage in a whole (non-streamed) body. */
export function usageOf(bytes: Uint8Array): UsageCounts {
  const usage: UsageCounts = {};
  scan(bytes, usage);
  return usage;
}

const USAGE_FIELDS: [field: keyof Usage, key: Key][] = [
  ["input_tokens", "input"],
  ["output_tokens", "output"],
  ["cache_read_input_tokens", "cacheRead"],
  ["cache_creation_input_tokens", "cacheWrite"],
];

/** Adds an Anthropic `usage` object (a message's, or a stream event's) to the counts. */
export function addUsage(usage: UsageCounts, reported: Partial<Usage> | undefined): void {
  if (!reported) return;
  for (const [field, key] of USAGE_FIELDS) {
    const n = reported[field];
    if (typeof n === "number") record(usage, key, n);
  }
}

/** Follows token usage through typed stream events, as `createUsageWatcher` does through bytes. */
export function addEventUsage(usage: UsageCounts, events: StreamEvent[]): void {
  for (const event of events) {
    if (event.type === "message_start") addUsage(usage, event.message.usage);
    else if (event.type === "message_delta") addUsage(usage, event.usage);
  }
}
