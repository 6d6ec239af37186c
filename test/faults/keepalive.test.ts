// Long upstream silences inside a stream: ping events keep the client's connection alive.
import { describe, expect, test } from "bun:test";
import { stallAfter } from "../helpers/fake-upstream.ts";
import { BLOCK_EVENT, START_EVENT, useFaultRig } from "../helpers/fault-rig.ts";
import { readFixture, splitSseEvents } from "../helpers/sse.ts";

const r = useFaultRig({ timeouts: { ping_interval_ms: 50, idle_timeout_ms: 20_000 } });

/** Reads the stream until two pings arrived (or fails after 5 s), then disconnects. */
async function readUntilPings(model: string): Promise<string> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 5000);
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
    while ((text.match(/event: ping\n/g) ?? []).length < 2) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return text;
}

describe("ping keep-alive", () => {
  test("a silent pass-through stream gets ping events between whole events", async () => {
    r.primary.reply(stallAfter([START_EVENT, BLOCK_EVENT]));
    const text = await readUntilPings("pass");
    expect(text.startsWith(START_EVENT + BLOCK_EVENT)).toBe(true);
    expect(text.slice((START_EVENT + BLOCK_EVENT).length)).toBe('event: ping\ndata: {"type":"ping"}\n\n'.repeat(2));
  });

  test("a silent translated stream gets them too", async () => {
    r.primary.reply(stallAfter(splitSseEvents(readFixture("openai/stream-text.sse")).slice(0, 2)));
    const text = await readUntilPings("oai");
    expect(text).toMatch(/^event: message_start\n/);
    expect(text.endsWith('event: ping\ndata: {"type":"ping"}\n\n')).toBe(true);
  });
});
