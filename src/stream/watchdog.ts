export interface WatchdogOptions {
  /** Longest wait for the next upstream chunk while one is being read. */
  idleMs: number;
  /** Called once when the wait exceeds `idleMs` (abort the upstream here); returns the error readers see. */
  onStall(): Error;
  /** Turns a failed upstream read (a reset, a broken chunk) into the error readers see. */
  mapError?(err: unknown): unknown;
}

/**
 * Wraps an upstream body so that a stalled upstream becomes an error instead of a silent hang.
 * Silence only counts while a read is pending: a slow client that stops pulling never trips it.
 * One timer per idle period, not one per chunk: a chunk only records the time it arrived.
 */
export function watchBody(body: ReadableStream<Uint8Array>, opts: WatchdogOptions): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let waitingSince: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let finished = false;
  let ctrl!: ReadableStreamDefaultController<Uint8Array>;

  const stop = () => {
    finished = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const check = () => {
    timer = undefined;
    if (finished || waitingSince === undefined) return;
    const left = opts.idleMs - (performance.now() - waitingSince);
    if (left > 0) {
      timer = setTimeout(check, left);
      return;
    }
    stop();
    const err = opts.onStall();
    reader.cancel(err).catch(() => {});
    ctrl.error(err);
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      ctrl = controller;
    },
    async pull(controller) {
      waitingSince = performance.now();
      timer ??= setTimeout(check, opts.idleMs);
      let result: Awaited<ReturnType<typeof reader.read>>;
      try {
        result = await reader.read();
      } catch (err) {
        if (finished) return;
        stop();
        controller.error(opts.mapError ? opts.mapError(err) : err);
        return;
      } finally {
        waitingSince = undefined;
      }
      if (finished) return;
      if (result.done) {
        stop();
        controller.close();
      } else {
        controller.enqueue(result.value);
      }
    },
    cancel(reason) {
      stop();
      return reader.cancel(reason);
    },
  });
}
