// Scripted replies for the fake upstream. Each builder returns a plain description; the server plays it.

export type Chunk = string | Uint8Array;

/** What happens after the last body chunk: finish normally, go silent forever, or reset the TCP connection. */
export type Ending = "end" | "stall" | "reset";

export interface RespondReply {
  kind: "respond";
  status: number;
  /** Lower-cased names. Framing headers (content-length, transfer-encoding, connection) are set by the server. */
  headers: Record<string, string>;
  /** Called once per play; may be a lazy generator (bigBody). */
  chunks: () => Iterable<Chunk>;
  /** "length" sends content-length (needs `length`); "chunked" frames every chunk separately. */
  framing: "length" | "chunked";
  length?: number;
  /** Pause before each body chunk after the first (slow drip), and before a "reset" ending. */
  delayMs: number;
  /** Pause before the status line is sent. */
  headerDelayMs: number;
  ending: Ending;
}

export type Reply = RespondReply | { kind: "hang" } | { kind: "reset-before-headers" };

export interface ReplyOptions {
  status?: number;
  headers?: Record<string, string>;
}

export interface StreamOptions extends ReplyOptions {
  delayMs?: number;
}

const encoder = new TextEncoder();
const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

export function byteLength(chunk: Chunk): number {
  return typeof chunk === "string" ? encoder.encode(chunk).byteLength : chunk.byteLength;
}

function lowerKeys(headers: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function fixed(status: number, contentType: string, text: Chunk, headers?: Record<string, string>): RespondReply {
  const bytes = typeof text === "string" ? encoder.encode(text) : text;
  return {
    kind: "respond",
    status,
    headers: { "content-type": contentType, ...lowerKeys(headers) },
    chunks: () => [bytes],
    framing: "length",
    length: bytes.byteLength,
    delayMs: 0,
    headerDelayMs: 0,
    ending: "end",
  };
}

function streamed(chunks: Chunk | Chunk[], ending: Ending, opts: StreamOptions = {}): RespondReply {
  const list = Array.isArray(chunks) ? [...chunks] : [chunks];
  return {
    kind: "respond",
    status: opts.status ?? 200,
    headers: { ...SSE_HEADERS, ...lowerKeys(opts.headers) },
    chunks: () => list,
    framing: "chunked",
    delayMs: opts.delayMs ?? 0,
    headerDelayMs: 0,
    ending,
  };
}

/** A JSON body with content-length. */
export function json(body: unknown, opts: ReplyOptions = {}): Reply {
  return fixed(opts.status ?? 200, "application/json", JSON.stringify(body), opts.headers);
}

/** A raw SSE body, chunked; each array element is written (and flushed) on its own, `delayMs` apart. */
export function sse(body: Chunk | Chunk[], opts: StreamOptions = {}): Reply {
  return streamed(body, "end", opts);
}

/** These exact bytes with content-length, e.g. a gzip-encoded body (with `content-encoding` in `headers`). */
export function bytes(body: Uint8Array, contentType: string, opts: ReplyOptions = {}): Reply {
  return fixed(opts.status ?? 200, contentType, body, opts.headers);
}

/** Any status. Objects are sent as JSON; strings as JSON if they look like it, else text/plain. */
export function status(code: number, body: unknown = "", headers?: Record<string, string>): Reply {
  if (typeof body !== "string") return fixed(code, "application/json", JSON.stringify(body), headers);
  const looksJson = /^\s*[[{]/.test(body);
  return fixed(code, looksJson ? "application/json" : "text/plain; charset=utf-8", body, headers);
}

/** Reads the request, then never sends a byte (stall before headers). */
export function hang(): Reply {
  return { kind: "hang" };
}

/** Sends headers and these chunks, then stays silent with the connection open (stall mid-stream). */
export function stallAfter(chunks: Chunk | Chunk[], opts: StreamOptions = {}): Reply {
  return streamed(chunks, "stall", opts);
}

/** Reads the request, then resets the TCP connection without a response. */
export function resetBeforeHeaders(): Reply {
  return { kind: "reset-before-headers" };
}

/**
 * Sends headers and these chunks, then resets the TCP connection (no terminating chunk).
 * With `delayMs` the reset also waits that long, so a client can read the chunks before the body errors
 * (Bun's fetch makes `res.body` throw if the reset lands before it is first touched).
 */
export function resetMidStream(chunks: Chunk | Chunk[], opts: StreamOptions = {}): Reply {
  return streamed(chunks, "reset", opts);
}

/** 200, then `chunks` over and over, 20 ms apart, for as long as the connection stays open (keep-alives only). */
export function keepAlivesForever(chunks: Chunk[]): Reply {
  return {
    kind: "respond",
    status: 200,
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
    chunks: function* () {
      for (;;) yield* chunks;
    },
    framing: "chunked",
    delayMs: 20,
    headerDelayMs: 0,
    ending: "end",
  };
}

/** What OpenAI-compatible upstreams (OpenRouter) send while they think: comments and chunks without content. */
export const CHAT_KEEPALIVES = [
  ": OPENROUTER PROCESSING\n\n",
  ":\n\n",
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[]}\n\n',
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{}}]}\n\n',
];

/** Delays the status line of any respond-kind reply by `ms` (slow first byte). */
export function delayed(ms: number, reply: Reply): Reply {
  if (reply.kind !== "respond") throw new Error(`delayed() needs a respond-kind reply, got ${reply.kind}`);
  return { ...reply, headerDelayMs: ms };
}

const BIG_HEAD =
  '{"id":"msg_big","type":"message","role":"assistant","model":"fake-big","content":[{"type":"text","text":"';
const BIG_TAIL = '"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}';
const BIG_PIECE = new Uint8Array(64 * 1024).fill(0x61);

export interface BigBodyOptions extends ReplyOptions {
  /** Chunked transfer encoding, no content-length (the default sends content-length). */
  chunked?: boolean;
}

/**
 * A valid Anthropic message JSON body of exactly `bytes` bytes (the text block is padded with "a"),
 * generated lazily in 64 KiB pieces.
 */
export function bigBody(bytes: number, opts: BigBodyOptions = {}): Reply {
  const pad = bytes - BIG_HEAD.length - BIG_TAIL.length;
  if (pad < 0) throw new Error(`bigBody needs at least ${BIG_HEAD.length + BIG_TAIL.length} bytes`);
  function* chunks(): Iterable<Chunk> {
    yield BIG_HEAD;
    for (let left = pad; left > 0; left -= BIG_PIECE.byteLength)
      yield left >= BIG_PIECE.byteLength ? BIG_PIECE : BIG_PIECE.subarray(0, left);
    yield BIG_TAIL;
  }
  return {
    kind: "respond",
    status: opts.status ?? 200,
    headers: { "content-type": "application/json", ...lowerKeys(opts.headers) },
    chunks,
    framing: opts.chunked ? "chunked" : "length",
    length: opts.chunked ? undefined : bytes,
    delayMs: 0,
    headerDelayMs: 0,
    ending: "end",
  };
}

/**
 * The start of a JSON message whose text never ends: 64 KiB pieces, chunked, for as long as the
 * client reads. `sent()` says how many bytes went out.
 */
export function endlessBody(opts: ReplyOptions = {}): Reply & { sent(): number } {
  let sent = 0;
  function* chunks(): Iterable<Chunk> {
    yield BIG_HEAD;
    for (;;) {
      sent += BIG_PIECE.byteLength;
      yield BIG_PIECE;
    }
  }
  return {
    kind: "respond",
    status: opts.status ?? 200,
    headers: { "content-type": "application/json", ...lowerKeys(opts.headers) },
    chunks,
    framing: "chunked",
    delayMs: 0,
    headerDelayMs: 0,
    ending: "end",
    sent: () => sent,
  };
}

/** A 200 application/json response whose body is truncated, unparseable JSON. */
export function invalidJson(opts: ReplyOptions = {}): Reply {
  return fixed(
    opts.status ?? 200,
    "application/json",
    '{"id":"msg_invalid","type":"message","content":[{"type":',
    opts.headers,
  );
}
