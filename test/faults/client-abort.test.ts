// A client that goes away: the upstream request is closed at once, streamed or not, pass-through or translated.
import { describe, expect, test } from "bun:test";
import { hang, stallAfter } from "../helpers/fake-upstream.ts";
import { BLOCK_EVENT, START_EVENT, useFaultRig } from "../helpers/fault-rig.ts";
import { readFixture, splitSseEvents } from "../helpers/sse.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

// Long time bounds, so only the client's disconnect can end these requests.
const r = useFaultRig({ timeouts: { api_timeout_ms: 20_000, idle_timeout_ms: 20_000 } });

function open(model: string, stream: boolean, signal: AbortSignal): Promise<Response> {
  return fetch(`${r.ccmux.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, max_tokens: 16, stream, messages: [{ role: "user", content: "hi" }] }),
    signal,
  });
}

/** Disconnects the client and returns how long after that the fake upstream saw its connection close. */
async function abortAndMeasure(ac: AbortController): Promise<number> {
  const t0 = performance.now();
  ac.abort();
  await r.primary.waitForAborted(1, 2000);
  return r.primary.lastAbortAt! - t0;
}

describe("the client disconnects mid-stream", () => {
  test("pass-through: the upstream connection is closed within 100 ms", async () => {
    r.primary.reply(stallAfter([START_EVENT, BLOCK_EVENT]));
    const ac = new AbortController();
    const res = await open("pass", true, ac.signal);
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("message_start");
    expect(await abortAndMeasure(ac)).toBeLessThan(100);
  });

  test("translated: the upstream connection is closed within 100 ms", async () => {
    r.primary.reply(stallAfter(splitSseEvents(readFixture("openai/stream-text.sse")).slice(0, 3)));
    const ac = new AbortController();
    const res = await open("oai", true, ac.signal);
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("message_start");
    expect(await abortAndMeasure(ac)).toBeLessThan(100);
  });
});

describe("the client disconnects before the answer started", () => {
  test("the pending upstream request is closed within 100 ms", async () => {
    r.primary.reply(hang());
    const ac = new AbortController();
    const pending = open("pass", false, ac.signal).catch((e) => e);
    await r.primary.waitForRequests(1);
    expect(await abortAndMeasure(ac)).toBeLessThan(100);
    expect(await pending).toBeInstanceOf(Error);
    expect(r.backup.requests).toHaveLength(0);
  });
});
