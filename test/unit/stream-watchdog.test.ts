import { describe, expect, test } from "bun:test";
import { watchBody } from "../../src/stream/watchdog.ts";

const enc = new TextEncoder();

/** A source the test feeds by hand; records whether it was cancelled. */
function manualSource() {
  let ctrl!: ReadableStreamDefaultController<Uint8Array>;
  const state = { cancelled: false as boolean, reason: undefined as unknown };
  const stream = new ReadableStream<Uint8Array>({
    start: (c) => void (ctrl = c),
    cancel: (reason) => {
      state.cancelled = true;
      state.reason = reason;
    },
  });
  return {
    stream,
    state,
    push: (s: string) => ctrl.enqueue(enc.encode(s)),
    close: () => ctrl.close(),
    fail: (e: unknown) => ctrl.error(e),
  };
}

describe("watchBody", () => {
  test("passes every chunk through unchanged and closes", async () => {
    const src = manualSource();
    const out = watchBody(src.stream, { idleMs: 1000, onStall: () => new Error("stall") });
    src.push("a");
    src.push("bc");
    src.close();
    expect(await new Response(out).text()).toBe("abc");
  });

  test("a silent upstream errors the body with onStall's error and is cancelled", async () => {
    const src = manualSource();
    let stalls = 0;
    const out = watchBody(src.stream, {
      idleMs: 50,
      onStall: () => {
        stalls++;
        return new Error("stalled for 50 ms");
      },
    });
    src.push("first");
    const reader = out.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("first");
    const t0 = performance.now();
    const err = await reader.read().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toBe("stalled for 50 ms");
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(stalls).toBe(1);
    expect(src.state.cancelled).toBe(true);
  });

  test("a client that stops reading does not count as upstream silence", async () => {
    const src = manualSource();
    const out = watchBody(src.stream, { idleMs: 30, onStall: () => new Error("stall") });
    for (const s of ["a", "b", "c"]) src.push(s);
    src.close();
    const reader = out.getReader();
    let text = "";
    for (;;) {
      await Bun.sleep(100);
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toBe("abc");
  });

  test("a failed upstream read goes through mapError", async () => {
    const src = manualSource();
    const out = watchBody(src.stream, {
      idleMs: 1000,
      onStall: () => new Error("stall"),
      mapError: (e) => new Error(`mapped: ${(e as Error).message}`),
    });
    src.fail(new Error("socket reset"));
    const err = await new Response(out).text().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toBe("mapped: socket reset");
  });

  test("cancelling the watched body cancels the upstream and never fires later", async () => {
    const src = manualSource();
    let stalls = 0;
    const out = watchBody(src.stream, {
      idleMs: 20,
      onStall: () => {
        stalls++;
        return new Error("stall");
      },
    });
    const reader = out.getReader();
    const pending = reader.read();
    await reader.cancel("client went away");
    await pending;
    await Bun.sleep(60);
    expect(src.state.cancelled).toBe(true);
    expect(stalls).toBe(0);
  });
});
