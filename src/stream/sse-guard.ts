import { toAnthropicError, type AnthropicErrorType } from "../util/errors.ts";

export interface SseGuardOptions {
  /** Output silence after which a `ping` event is sent; 0 = never. */
  pingIntervalMs: number;
  /** The upstream body failed mid-stream (after the `error` event was sent to the client). */
  onUpstreamError?(err: unknown): void;
  /** The upstream ended without `message_stop` or `error` (after the `error` event was sent). */
  onTruncated?(): void;
}

const encoder = new TextEncoder();
const latin1 = new TextDecoder("latin1");
const PING = encoder.encode('event: ping\ndata: {"type":"ping"}\n\n');
/** A partial event longer than this is relayed anyway rather than held in memory. */
const MAX_HELD = 1024 * 1024;
const STOP = /^event: ?message_stop\r?$|"type": ?"message_stop"/m;
const ERROR = /^event: ?error\r?$/m;

function errorEvent(type: AnthropicErrorType, message: string, atBoundary: boolean): Uint8Array {
  const data = JSON.stringify({ type: "error", error: { type, message } });
  return encoder.encode(`${atBoundary ? "" : "\n\n"}event: error\ndata: ${data}\n\n`);
}

/** Index just past the last blank line (LF LF or CRLF CRLF) in `bytes`, or 0. */
export function lastEventEnd(bytes: Uint8Array): number {
  for (let i = bytes.length - 1; i > 0; i--) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i - 1] === 0x0a) return i + 1;
    if (bytes[i - 1] === 0x0d && i >= 3 && bytes[i - 2] === 0x0a && bytes[i - 3] === 0x0d) return i + 1;
  }
  return 0;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Makes any Anthropic SSE body safe to relay: bytes go out whole events at a time (a partial
 * event is held until its blank line), so a `ping` can be slipped in during a long silence and a
 * failure can always be reported as a clean `error` event. A body that breaks, or ends without
 * `message_stop` (or an `error` of its own), ends with an `error` event instead of a silent cut,
 * which Claude Code would otherwise report as "message_stop without message".
 */
export function guardSseStream(body: ReadableStream<Uint8Array>, opts: SseGuardOptions): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let held = new Uint8Array(0);
  let started = false;
  let atBoundary = true;
  let terminal = false;
  let closed = false;
  let lastOutput = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ctrl!: ReadableStreamDefaultController<Uint8Array>;

  const emit = (bytes: Uint8Array) => {
    ctrl.enqueue(bytes);
    lastOutput = performance.now();
  };
  const scan = (bytes: Uint8Array) => {
    if (terminal) return;
    const text = latin1.decode(bytes);
    terminal = (text.includes("message_stop") && STOP.test(text)) || (text.includes("error") && ERROR.test(text));
  };
  /** Sends every complete event; returns whether anything went out. */
  const relay = (chunk: Uint8Array): boolean => {
    const all = concat(held, chunk);
    let end = lastEventEnd(all);
    const forced = all.length - end > MAX_HELD;
    if (forced) end = all.length;
    held = all.slice(end);
    if (end === 0) return false;
    const out = all.subarray(0, end);
    scan(out);
    emit(out);
    started = true;
    atBoundary = !forced || lastEventEnd(out) === out.length;
    return true;
  };
  const finish = (tail?: Uint8Array) => {
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    if (tail) emit(tail);
    ctrl.close();
  };
  const ended = () => {
    if (held.length > 0) relay(encoder.encode("\n\n"));
    if (terminal) return finish();
    finish(errorEvent("api_error", "upstream stream ended before message_stop", atBoundary));
    opts.onTruncated?.();
  };
  const broke = (err: unknown) => {
    const { body: envelope } = toAnthropicError(err);
    finish(terminal ? undefined : errorEvent(envelope.error.type, envelope.error.message, atBoundary));
    opts.onUpstreamError?.(err);
  };
  const tick = () => {
    timer = undefined;
    if (closed) return;
    const left = opts.pingIntervalMs - (performance.now() - lastOutput);
    if (left <= 0 && started && atBoundary) emit(PING);
    timer = setTimeout(tick, left > 0 ? left : opts.pingIntervalMs);
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      ctrl = controller;
      if (opts.pingIntervalMs > 0) timer = setTimeout(tick, opts.pingIntervalMs);
    },
    // A pull that enqueues nothing is not called again, so read until a whole event went out.
    async pull() {
      while (!closed) {
        let result: Awaited<ReturnType<typeof reader.read>>;
        try {
          result = await reader.read();
        } catch (err) {
          if (!closed) broke(err);
          return;
        }
        if (closed) return;
        if (result.done) return ended();
        if (relay(result.value)) return;
      }
    },
    cancel(reason) {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      return reader.cancel(reason);
    },
  });
}
