import type { AnthropicEvents } from "../contracts/adapter.ts";
import type { StreamEvent } from "../contracts/anthropic.ts";
import { toAnthropicError, type Scrub } from "../util/errors.ts";
import type { EventEncoder } from "./answer-writer.ts";
import { errorEvent } from "./event-writer.ts";
import { KeepAlive } from "./keep-alive.ts";

export interface EventRelayOptions {
  encoder: EventEncoder;
  /** Output silence after which a `ping` event is sent; 0 = never. */
  pingIntervalMs: number;
  /** Pings may go out before the first event: the client already had some (a held stream). */
  pingBeforeFirstEvent?: boolean;
  /** Masks configured secrets in every `error` event. */
  scrub?: Scrub;
  /** Every batch of events, before it is encoded. */
  onEvents?(events: StreamEvent[]): void;
  /** The upstream body broke mid-stream (its failure, once). */
  onUpstreamError?(err: unknown): void;
  /** The stream ended without `message_stop` or `error` (called just before the `error` event goes out). */
  onTruncated?(): void;
  /** Every encoded byte, in order (pings excepted). */
  onOutput?(bytes: Uint8Array): void;
  /** Once: the relay closed (`ok`, failures included) or the client went away. */
  onEnd?(outcome: "ok" | "aborted"): void;
}

const PING: StreamEvent[] = [{ type: "ping" }];
const TRUNCATED = errorEvent("api_error", "upstream stream ended before message_stop");

function failedEvent(failure: unknown): StreamEvent {
  const { body } = toAnthropicError(failure);
  return errorEvent(body.error.type, body.error.message);
}

const isError = (event: StreamEvent) => event.type === "error";

function scrubbed(event: StreamEvent, scrub: Scrub): StreamEvent {
  return event.type === "error" ? errorEvent(event.error.type, event.error.message, scrub) : event;
}

/** The relay's state for one stream; see relayEvents. */
class EventRelay {
  private started: boolean;
  /** `message_stop` or an `error` event went out: the stream ended properly. */
  private terminal = false;
  private closed = false;
  private reported = false;
  private readonly keepAlive: KeepAlive;

  constructor(
    private readonly source: AnthropicEvents,
    private readonly ctrl: ReadableStreamDefaultController<Uint8Array>,
    private readonly opts: EventRelayOptions,
  ) {
    this.started = opts.pingBeforeFirstEvent === true;
    this.keepAlive = new KeepAlive(opts.pingIntervalMs, () => this.ping());
  }

  /** A pull that enqueues nothing is not called again, so read until bytes went out. */
  async pull(): Promise<void> {
    while (!this.closed) {
      const batch = await this.source.read();
      if (this.closed) return;
      if (!batch) return this.ended();
      if (this.relay(batch)) return;
    }
  }

  cancel(reason: unknown): Promise<void> {
    this.stop();
    this.end("aborted");
    return this.source.cancel(reason);
  }

  /** Encodes and sends one batch; returns whether any bytes went out. */
  private relay(batch: StreamEvent[]): boolean {
    const { scrub } = this.opts;
    const events = scrub && batch.some(isError) ? batch.map((event) => scrubbed(event, scrub)) : batch;
    if (!this.terminal) this.terminal = events.some((e) => e.type === "message_stop" || e.type === "error");
    this.opts.onEvents?.(events);
    this.started ||= events.length > 0;
    return this.emit(this.opts.encoder.encode(events));
  }

  private emit(bytes: Uint8Array, ping = false): boolean {
    if (bytes.length === 0) return false;
    this.ctrl.enqueue(bytes);
    this.keepAlive.sent();
    if (!ping) this.opts.onOutput?.(bytes);
    return true;
  }

  /** Once an event went out (or the client already had pings). */
  private ping(): boolean {
    return this.started && this.emit(this.opts.encoder.encode(PING), true);
  }

  private ended(): void {
    const { failure } = this.source;
    if (failure !== undefined) this.opts.onUpstreamError?.(failure);
    if (!this.terminal) {
      if (failure === undefined) this.opts.onTruncated?.();
      this.relay([failure === undefined ? TRUNCATED : failedEvent(failure)]);
    }
    this.stop();
    this.emit(this.opts.encoder.end());
    this.ctrl.close();
    this.end("ok");
  }

  private end(outcome: "ok" | "aborted"): void {
    if (this.reported) return;
    this.reported = true;
    this.opts.onEnd?.(outcome);
  }

  private stop(): void {
    this.closed = true;
    this.keepAlive.stop();
  }
}

/**
 * The one stage between a typed answer and the client: each batch of events is encoded once in the
 * client's API, a `ping` goes out during a long silence, and a stream that breaks or ends without
 * `message_stop` ends with a clean `error` event instead of a silent cut.
 */
export function relayEvents(source: AnthropicEvents, opts: EventRelayOptions): ReadableStream<Uint8Array> {
  let relay!: EventRelay;
  return new ReadableStream<Uint8Array>({
    start: (controller) => void (relay = new EventRelay(source, controller, opts)),
    pull: () => relay.pull(),
    cancel: (reason) => relay.cancel(reason),
  });
}
