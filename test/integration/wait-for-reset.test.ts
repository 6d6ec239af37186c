// wait_for_reset_max_s: a request that finds every account of a pool parked, with a reset within
// the bound, is held until that reset (pings for a streaming client) and tried once more.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { hang, json, startFakeUpstream, status, type FakeUpstream, type Reply } from "../helpers/fake-upstream.ts";
import {
  model,
  nextRecords,
  provider,
  startInProcess,
  testConfig,
  waitForLog,
  type InProcessServer,
} from "../helpers/in-process.ts";
import { assembleAnthropicStream } from "../helpers/anthropic-grammar.ts";
import { eventsOf, MESSAGE } from "../helpers/fault-rig.ts";
import { ANTHROPIC_LIMIT_BODY, anthropicUnified } from "../helpers/rate-limit-headers.ts";
import { readStream } from "../helpers/sse.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

/** Generous: the waits below are 2-3 s, or 20 s for the one the client walks away from. */
const WAIT_MAX_S = 30;

let upstream: FakeUpstream;
let ccmux: InProcessServer;

/** A subscription 429 whose 5h window is spent until `resetSec` (epoch seconds). */
const limited = (resetSec: number): Reply =>
  status(429, ANTHROPIC_LIMIT_BODY, anthropicUnified({ fiveHour: 1.02, fiveHourReset: resetSec, rejected: "5h" }));
const okReply = () =>
  json(MESSAGE, { headers: anthropicUnified({ fiveHour: 0.1, fiveHourReset: secondsAhead(3600) }) });
const secondsAhead = (s: number) => Math.ceil(Date.now() / 1000) + s;
const keys = ["pool#a", "pool#b"];

beforeAll(async () => {
  upstream = await startFakeUpstream();
  const pooled = provider("pool", upstream.url, {
    api_key: undefined,
    accounts: ["a", "b"].map((name) => ({ name, api_key: `fake-key-${name}`, weight: 1, enabled: true })),
    pool: { strategy: "fill-first", shed_utilization: 0.9, session_ttl_s: 3600, wait_for_reset_max_s: WAIT_MAX_S },
  });
  const config = testConfig({ providers: [pooled], models: [model("m", ["pool", "m-up"])] });
  config.server.timeouts = {
    connect_timeout_ms: 5_000,
    api_timeout_ms: 20_000,
    idle_timeout_ms: 20_000,
    ping_interval_ms: 50,
  };
  ccmux = await startInProcess(config);
});

afterEach(async () => {
  await upstream.waitForClosedConnections(5000);
  upstream.clear();
  ccmux.deps.pools.reset();
  ccmux.deps.health.reset();
  ccmux.logs.length = 0;
});

afterAll(async () => {
  await ccmux.stop();
  await upstream.stop();
});

function post(stream: boolean, signal?: AbortSignal): Promise<Response> {
  return fetch(`${ccmux.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "m", max_tokens: 5, stream, messages: [{ role: "user", content: "hi" }] }),
    signal,
  });
}

/** The epoch ms at which the fake upstream received its n-th request. */
const receivedAtEpoch = (n: number) => performance.timeOrigin + upstream.requests[n]!.receivedAt;

describe("wait_for_reset_max_s", () => {
  test("every account limited, the reset 2 s ahead: held until it, then answered by one probe", async () => {
    const reset = secondsAhead(2);
    upstream.reply(limited(reset));
    upstream.reply(limited(reset));
    upstream.reply(okReply());
    const res = await post(false);
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).content[0].text).toBe("fine");
    expect(res.headers.get("x-ccmux-account")).toBe("a");
    expect(upstream.requests).toHaveLength(3);
    // Date.now and performance.now may disagree by a few ms.
    expect(receivedAtEpoch(2)).toBeGreaterThanOrEqual(reset * 1000 - 50);
    expect(ccmux.logs.join("")).toContain("holding the request");
  });

  test("a streaming client gets pings while held, then the answer in one well-formed stream", async () => {
    const reset = secondsAhead(2);
    upstream.reply(limited(reset));
    upstream.reply(limited(reset));
    upstream.reply(okReply());
    const res = await post(true);
    expect(res.status).toBe(200);
    const events = eventsOf(await readStream(res));
    expect(events[0]!.event).toBe("ping");
    const got = assembleAnthropicStream(events.map((e) => e.data));
    expect(got.content).toEqual(MESSAGE.content);
    expect(events.filter((e) => e.event === "message_start")).toHaveLength(1);
    expect(receivedAtEpoch(2)).toBeGreaterThanOrEqual(reset * 1000 - 50);
  });

  test("three requests held for two accounts: the one left without a probe waits for a probe's verdict", async () => {
    const reset = secondsAhead(2);
    upstream.setDefault(() => (Date.now() < reset * 1000 ? limited(reset) : okReply()));
    try {
      const answers = await Promise.all([post(false), post(false), post(false)]);
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
      await Promise.all(answers.map((r) => r.arrayBuffer()));
      const afterReset = upstream.requests.filter((r) => performance.timeOrigin + r.receivedAt >= reset * 1000 - 50);
      expect(afterReset).toHaveLength(3);
    } finally {
      upstream.setDefault(status(404, "unscripted"));
    }
  });

  test("a request waiting for another's probe verdict ends when its client leaves; the probe is released", async () => {
    const reset = secondsAhead(2);
    const far = secondsAhead(WAIT_MAX_S + 600);
    // Account a resets in 2 s and its probe then hangs; account b stays limited beyond the bound.
    upstream.setDefault((req) => {
      if (req.headers["x-api-key"] === "fake-key-b") return limited(far);
      return Date.now() < reset * 1000 ? limited(reset) : hang();
    });
    const bothFinished = nextRecords(ccmux, 2);
    try {
      const probing = new AbortController();
      const waiting = new AbortController();
      const first = post(false, probing.signal).catch((e: unknown) => e);
      const second = post(false, waiting.signal).catch((e: unknown) => e);
      await waitForLog(ccmux, /waiting for the probe in flight on pool#a/, 20_000);
      waiting.abort();
      probing.abort();
      expect(await first).toBeInstanceOf(Error);
      expect(await second).toBeInstanceOf(Error);
      const records = await bothFinished;
      expect(records.map((r) => r.clientAbort)).toEqual([true, true]);
      await upstream.waitForClosedConnections(5000);
      expect(ccmux.deps.pools.peek("pool#a")?.probing).toBe(false);
    } finally {
      upstream.setDefault(status(404, "unscripted"));
    }
  });

  test("a reset beyond the bound: the 429 naming the earliest reset comes at once, as before", async () => {
    upstream.reply(limited(secondsAhead(WAIT_MAX_S + 600)));
    upstream.reply(limited(secondsAhead(WAIT_MAX_S + 600)));
    const res = await post(false);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(WAIT_MAX_S);
    expect(((await res.json()) as any).error.message).toContain("all 2 accounts limited; earliest reset");
    expect(upstream.requests).toHaveLength(2);
    expect(ccmux.logs.join("")).not.toContain("holding the request");
  });

  test("the client leaving during the wait ends it at once and releases everything", async () => {
    const reset = secondsAhead(20);
    upstream.reply(limited(reset));
    upstream.reply(limited(reset));
    const finished = nextRecords(ccmux);
    const ac = new AbortController();
    const res = post(false, ac.signal).catch((e: unknown) => e);
    await waitForLog(ccmux, /holding the request/, 10_000);
    ac.abort();
    expect(await res).toBeInstanceOf(Error);
    const [record] = await finished;
    expect(record).toMatchObject({ status: 499, clientAbort: true });
    // The wait ended with the client, not with the reset.
    expect(Date.now()).toBeLessThan(reset * 1000);
    expect(upstream.requests).toHaveLength(2);
    expect(upstream.openConnections()).toBe(0);
    for (const key of keys) expect(ccmux.deps.pools.peek(key)?.probing ?? false).toBe(false);
  });
});
