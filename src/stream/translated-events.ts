import { createParser, type EventSourceParser } from "eventsource-parser";
import type { AnthropicEvents } from "../contracts/adapter.ts";
import type { StreamEvent } from "../contracts/anthropic.ts";
import type { StreamTranslator } from "./pipeline.ts";
import type { SseMessage } from "./sse.ts";

/**
 * Upstream SSE bytes → Anthropic events, one batch per read that yields any. Decoding, SSE framing
 * and translation happen in the one read, not in stream stages of their own.
 */
class TranslatedEvents<S> implements AnthropicEvents {
  failure: unknown;
  private readonly decoder = new TextDecoder();
  private readonly parser: EventSourceParser;
  private readonly state: S;
  private pending: SseMessage[] = [];
  private ended = false;

  constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    private readonly translator: StreamTranslator<S>,
  ) {
    this.state = translator.init();
    this.parser = createParser({ onEvent: (msg) => void this.pending.push(msg) });
  }

  async read(): Promise<StreamEvent[] | undefined> {
    while (!this.ended) {
      let result: Awaited<ReturnType<typeof this.reader.read>>;
      try {
        result = await this.reader.read();
      } catch (err) {
        if (this.ended) return undefined;
        this.failure = err;
        return this.end(this.translator.fail(this.state, err));
      }
      if (this.ended) return undefined;
      if (result.done) {
        const last = this.translate(this.decoder.decode());
        return this.end([...last, ...this.translator.finish(this.state)]);
      }
      const out = this.translate(this.decoder.decode(result.value, { stream: true }));
      if (this.translator.isDone?.(this.state)) {
        this.reader.cancel().catch(() => {});
        return this.end(out);
      }
      if (out.length > 0) return out;
    }
    return undefined;
  }

  cancel(reason?: unknown): Promise<void> {
    this.ended = true;
    return this.reader.cancel(reason);
  }

  private end(out: StreamEvent[]): StreamEvent[] {
    this.ended = true;
    return out;
  }

  /** The events of every whole SSE message in `text` (and the ones before it), up to a cut at a stop string. */
  private translate(text: string): StreamEvent[] {
    if (text) this.parser.feed(text);
    if (this.pending.length === 0) return [];
    const messages = this.pending;
    this.pending = [];
    const out: StreamEvent[] = [];
    for (const msg of messages) {
      for (const event of this.translator.step(this.state, msg)) out.push(event);
      if (this.translator.isDone?.(this.state)) break;
    }
    return out;
  }
}

/** An upstream SSE body as Anthropic events, through `translator`; cancelling cancels the upstream. */
export function translatedEvents<S>(
  body: ReadableStream<Uint8Array>,
  translator: StreamTranslator<S>,
): AnthropicEvents {
  return new TranslatedEvents(body.getReader(), translator);
}

/** `source` with `held` batches read first (what was read ahead while waiting for the first content). */
export function withHeldBatches(source: AnthropicEvents, held: StreamEvent[][]): AnthropicEvents {
  return {
    read: () => (held.length > 0 ? Promise.resolve(held.shift()) : source.read()),
    cancel: (reason) => source.cancel(reason),
    get failure() {
      return source.failure;
    },
  };
}
