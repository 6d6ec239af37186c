// Long upstream silences inside a stream: ping events keep the client's connection alive.
import { describe, expect, test } from "bun:test";
import { stallAfter } from "../helpers/fake-upstream.ts";
import { BLOCK_EVENT, START_EVENT, useFaultRig } from "../helpers/fault-rig.ts";
import { readFixture, splitSseEvents } from "../helpers/sse.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const r = useFaultRig({ timeouts: { ping_interval_ms: 50, idle_timeout_ms: 20_000 } });

const PING = 'event: ping\ndata: {"type":"ping"}\n\n';

/** Reads the stream until two pings arrived after `after`, then disconnects. */
async function readUntilPings(model: string, after: string): Promise<string> {
  const ac = new AbortController();
  const res = await fetch(`${r.ccmux.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, max_tokens: 16, stream: true, messages: [{ role: "user", content: "hi" }] }),
    signal: ac.signal,
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    const pingsAfter = () => (text.split(after)[1]?.match(/event: ping\n/g) ?? []).length;
    while (!text.includes(after) || pingsAfter() < 2) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    ac.abort();
  }
  return text;
}

describe("ping keep-alive", () => {
  test("a silent pass-through stream gets ping events between whole events", async () => {
    r.primary.reply(stallAfter([START_EVENT, BLOCK_EVENT]));
    const text = await readUntilPings("pass", BLOCK_EVENT);
    // On a busy machine a ping may also fall between the two upstream events; never inside one.
    expect(splitSseEvents(text).filter((e) => e !== PING)).toEqual([START_EVENT, BLOCK_EVENT]);
    expect(text.endsWith(BLOCK_EVENT + PING + PING)).toBe(true);
  });

  test("a silent translated stream gets them too", async () => {
    r.primary.reply(stallAfter(splitSseEvents(readFixture("openai/stream-text.sse")).slice(0, 2)));
    const text = await readUntilPings("oai", "event: message_start\n");
    expect(text).toMatch(/^event: message_start\n/);
    expect(text.endsWith(PING)).toBe(true);
  });
});
