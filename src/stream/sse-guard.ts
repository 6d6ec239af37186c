import { encodeEvent, errorEvent, PING_FRAME, rescrubErrorFrame } from "./event-writer.ts";
import { toAnthropicError, type AnthropicErrorType, type Scrub } from "../util/errors.ts";
import { endsStream, hasErrorEvent, rewriteErrorFrames } from "./sse-terminal.ts";
import { KeepAlive } from "./keep-alive.ts";
import { concatBytes } from "../util/bytes.ts";

export interface SseGuardOptions {
  /** Output silence after which a `ping` event is sent; 0 = never. */
  pingIntervalMs: number;
  /** Pings may go out before the first event: the client already had some (a held stream). */
  pingBeforeFirstEvent?: boolean;
  /**
   * Masks configured secrets in `error` events: the guard's own, and the upstream's (each
   * `event: error` frame is parsed and rebuilt; every other frame is relayed byte for byte).
   */
  scrub?: Scrub;
  /** The upstream body failed mid-stream (called just before the `error` event goes to the client). */
  onUpstreamError?(err: unknown): void;
  /** The upstream ended without `message_stop` or `error` (called just before the `error` event goes out). */
  onTruncated?(): void;
  /** Every relayed byte, in order (pings excepted). */
  onOutput?(bytes: Uint8Array): void;
  /** Once: the relay closed (`ok`, failures included, reported above) or the client went away. */
  onEnd?(outcome: "ok" | "aborted"): void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** A partial event longer than this is relayed anyway rather than held in memory. */
const MAX_HELD = 1024 * 1024;

function errorFrame(type: AnthropicErrorType, message: string, atBoundary: boolean, scrub?: Scrub): Uint8Array {
  return encoder.encode(`${atBoundary ? "" : "\n\n"}${encodeEvent(errorEvent(type, message, scrub))}`);
}

/** Whole events with their `error` frames scrubbed; the same bytes when there is none. */
function scrubErrorFrames(bytes: Uint8Array, scrub: Scrub | undefined): Uint8Array {
  if (!scrub || !hasErrorEvent(bytes)) return bytes;
  const text = decoder.decode(bytes);
  const out = rewriteErrorFrames(text, (frame) => rescrubErrorFrame(frame, scrub));
  return out === text ? bytes : encoder.encode(out);
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

/** The guard's state for one stream; see guardSseStream. */
class SseGuard {
  private held = new Uint8Array(0);
  /** A whole event went out, so pings are allowed. */
  private started = false;
  /** What went out so far ends with a blank line (false only after relaying an oversized partial event). */
  private atBoundary = true;
  /** `message_stop` or an `error` event went out: the stream ended properly. */
  private terminal = false;
  private closed = false;
  private reported = false;
  private readonly keepAlive: KeepAlive;

  constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    private readonly ctrl: ReadableStreamDefaultController<Uint8Array>,
    private readonly opts: SseGuardOptions,
  ) {
    this.started = opts.pingBeforeFirstEvent === true;
    this.keepAlive = new KeepAlive(opts.pingIntervalMs, () => this.ping());
  }

  /** A pull that enqueues nothing is not called again, so read until a whole event went out. */
  async pull(): Promise<void> {
    while (!this.closed) {
      let result: Awaited<ReturnType<typeof this.reader.read>>;
      try {
        result = await this.reader.read();
      } catch (err) {
        if (!this.closed) this.broke(err);
        return;
      }
      if (this.closed) return;
      if (result.done) return this.ended();
      if (this.relay(result.value)) return;
    }
  }

  cancel(reason: unknown): Promise<void> {
    this.stop();
    this.end("aborted");
    return this.reader.cancel(reason);
  }

  private emit(bytes: Uint8Array): void {
    this.ctrl.enqueue(bytes);
    this.keepAlive.sent();
    this.opts.onOutput?.(bytes);
  }

  /** Only between whole events, once one went out. */
  private ping(): boolean {
    if (!this.started || !this.atBoundary) return false;
    this.ctrl.enqueue(PING_FRAME);
    return true;
  }

  private end(outcome: "ok" | "aborted"): void {
    if (this.reported) return;
    this.reported = true;
    this.opts.onEnd?.(outcome);
  }

  private scan(bytes: Uint8Array): void {
    if (this.terminal) return;
    this.terminal = endsStream(bytes);
  }

  /** Sends every complete event; returns whether anything went out. */
  private relay(chunk: Uint8Array): boolean {
    const all = this.held.length === 0 ? chunk : concatBytes(this.held, chunk);
    let end = lastEventEnd(all);
    const forced = all.length - end > MAX_HELD;
    if (forced) end = all.length;
    this.held = all.slice(end);
    if (end === 0) return false;
    const out = scrubErrorFrames(all.subarray(0, end), this.opts.scrub);
    this.scan(out);
    this.emit(out);
    this.started = true;
    this.atBoundary = !forced || lastEventEnd(out) === out.length;
    return true;
  }

  private stop(): void {
    this.closed = true;
    this.keepAlive.stop();
  }

  private finish(tail?: Uint8Array): void {
    this.stop();
    if (tail) this.emit(tail);
    this.ctrl.close();
    this.end("ok");
  }

  private ended(): void {
    if (this.held.length > 0) this.relay(encoder.encode("\n\n"));
    if (this.terminal) return this.finish();
    this.opts.onTruncated?.();
    this.finish(errorFrame("api_error", "upstream stream ended before message_stop", this.atBoundary, this.opts.scrub));
  }

  private broke(err: unknown): void {
    const { body } = toAnthropicError(err);
    this.opts.onUpstreamError?.(err);
    const tail = errorFrame(body.error.type, body.error.message, this.atBoundary, this.opts.scrub);
    this.finish(this.terminal ? undefined : tail);
  }
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
  let guard!: SseGuard;
  return new ReadableStream<Uint8Array>({
    start: (controller) => void (guard = new SseGuard(reader, controller, opts)),
    pull: () => guard.pull(),
    cancel: (reason) => guard.cancel(reason),
  });
}
