/** What `raceHold` gives back when `pending` has not settled within the bound. */
export const STILL_PENDING: unique symbol = Symbol("still pending");

/** `pending`'s value when it resolves within `ms`, else STILL_PENDING; a rejection within `ms` rejects. */
export async function raceHold<T>(pending: Promise<T>, ms: number): Promise<T | typeof STILL_PENDING> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<typeof STILL_PENDING>((resolve) => {
    timer = setTimeout(() => resolve(STILL_PENDING), ms);
  });
  try {
    return await Promise.race([pending, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An SSE body that starts at once with `ping` (an encoded ping event) and sends it again every `pingMs` until `next`
 * resolves, then relays the body it resolves to (null: the stream ends there). `next` must not
 * reject. When the client goes away first, `onCancel` runs (abort the work behind `next`) and the
 * body `next` brings, if any, is cancelled unread.
 */
export function pingUntil(
  next: Promise<ReadableStream<Uint8Array> | null>,
  pingMs: number,
  ping: Uint8Array,
  onCancel: (reason: unknown) => void,
): ReadableStream<Uint8Array> {
  let timer: ReturnType<typeof setInterval> | undefined;
  let cancelled = false;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const ready = next.then((body) => {
    clearInterval(timer);
    if (cancelled) {
      body?.cancel().catch(() => {});
      return undefined;
    }
    reader = body?.getReader();
    return reader;
  });
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(ping);
      timer = setInterval(() => controller.enqueue(ping), pingMs);
    },
    async pull(controller) {
      const source = await ready;
      if (cancelled) return;
      if (!source) return controller.close();
      const { done, value } = await source.read();
      if (cancelled) return;
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      cancelled = true;
      clearInterval(timer);
      onCancel(reason);
      return reader?.cancel(reason);
    },
  });
}
