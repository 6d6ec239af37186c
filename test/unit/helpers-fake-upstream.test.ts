import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import {
  bigBody,
  delayed,
  hang,
  invalidJson,
  json,
  resetBeforeHeaders,
  resetMidStream,
  sse,
  stallAfter,
  startFakeUpstream,
  status,
  type FakeUpstream,
} from "../helpers/fake-upstream.ts";
import { readStream } from "../helpers/sse.ts";

let fake: FakeUpstream;

beforeAll(async () => {
  fake = await startFakeUpstream();
});
afterEach(async () => {
  await fake.waitForClosedConnections(2000);
  fake.clear();
  fake.setDefault((req) => status(404, `unscripted ${req.path}`));
});
afterAll(() => fake.stop());

/** Reads the first body chunk, as a streaming client would. */
async function firstChunk(res: Response): Promise<string> {
  const { value } = await res.body!.getReader().read();
  return new TextDecoder().decode(value);
}

describe("fake upstream: replies", () => {
  test("json, recording the request", async () => {
    fake.reply(json({ ok: true }, { status: 201, headers: { "X-Extra": "1" } }));
    const res = await fetch(`${fake.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: { "content-type": "application/json", "Anthropic-Version": "2023-06-01" },
      body: JSON.stringify({ model: "m", messages: [] }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-extra")).toBe("1");
    expect(await res.json()).toEqual({ ok: true });
    const [req] = await fake.waitForRequests(1, 1000);
    expect(req!.method).toBe("POST");
    expect(req!.path).toBe("/v1/messages?beta=true");
    expect(req!.headers["anthropic-version"]).toBe("2023-06-01");
    expect(req!.json()).toEqual({ model: "m", messages: [] });
  });

  test("queue first, then the default; handlers can script by path", async () => {
    fake.setDefault((req) => (req.path === "/oauth/token" ? json({ access_token: "t" }) : status(500, "no")));
    fake.reply(json({ n: 1 }));
    const a = await fetch(`${fake.url}/v1/messages`).then((r) => r.json());
    const b = await fetch(`${fake.url}/oauth/token`, { method: "POST", body: "grant_type=x" }).then((r) => r.json());
    const c = await fetch(`${fake.url}/v1/messages`);
    expect(a).toEqual({ n: 1 });
    expect(b).toEqual({ access_token: "t" });
    expect(c.status).toBe(500);
    expect(await c.text()).toBe("no");
    expect(fake.requests[1]!.bodyText).toBe("grant_type=x");
  });

  test("a chunked request body (streamed by the client) is recorded whole", async () => {
    fake.reply(json({}));
    const parts = ['{"a":', "1}"];
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        const next = parts.shift();
        if (next === undefined) c.close();
        else c.enqueue(new TextEncoder().encode(next));
      },
    });
    await fetch(`${fake.url}/stream-up`, { method: "POST", body, duplex: "half" } as RequestInit).then((r) =>
      r.arrayBuffer(),
    );
    expect(fake.requests[0]!.json()).toEqual({ a: 1 });
  });

  test("status with headers, and the unscripted default names the request", async () => {
    fake.reply(status(429, { type: "error" }, { "retry-after": "3" }));
    const res = await fetch(`${fake.url}/v1/messages`);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("3");
    expect(await res.json()).toEqual({ type: "error" });
    const fresh = await startFakeUpstream();
    const unscripted = await fetch(`${fresh.url}/nope`);
    expect(unscripted.status).toBe(404);
    expect(await unscripted.text()).toContain("GET /nope");
    await fresh.stop();
  });

  test("sse drips chunks in order, each after the previous one", async () => {
    fake.reply(sse(["event: a\ndata: 1\n\n", "event: b\ndata: 2\n\n", "event: c\ndata: 3\n\n"], { delayMs: 60 }));
    const started = performance.now();
    const res = await fetch(`${fake.url}/v1/messages`);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    // TCP may merge chunks a busy reader comes late for, so only the sender's delays are certain.
    expect(await res.text()).toBe("event: a\ndata: 1\n\nevent: b\ndata: 2\n\nevent: c\ndata: 3\n\n");
    expect(performance.now() - started).toBeGreaterThanOrEqual(120);
  });

  test("hang never sends headers; the client's timeout aborts", async () => {
    fake.reply(hang());
    const started = performance.now();
    const error = await fetch(`${fake.url}/v1/messages`, { signal: AbortSignal.timeout(150) }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe("TimeoutError");
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    await fake.waitForAborted(1, 2000);
  });

  test("delayed sends the status line late", async () => {
    fake.reply(delayed(100, json({ late: true })));
    const started = performance.now();
    const res = await fetch(`${fake.url}/x`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    expect(await res.json()).toEqual({ late: true });
  });

  test("reset before headers: fetch rejects", async () => {
    fake.reply(resetBeforeHeaders());
    await expect(fetch(`${fake.url}/v1/messages`)).rejects.toThrow();
    expect(fake.requests.length).toBe(1);
    expect(fake.aborted).toBe(0); // the server closed it, not the client
  });

  test("reset mid-stream: headers and first chunk arrive, then the body read rejects", async () => {
    fake.reply(resetMidStream(["event: ping\ndata: {}\n\n"], { delayMs: 50 }));
    const res = await fetch(`${fake.url}/v1/messages`);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("event: ping\ndata: {}\n\n");
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return;
      })(),
    ).rejects.toThrow();
  });

  test("stall mid-stream keeps the connection open until the client aborts", async () => {
    fake.reply(stallAfter(["event: ping\ndata: {}\n\n"]));
    const controller = new AbortController();
    const res = await fetch(`${fake.url}/v1/messages`, { signal: controller.signal });
    expect(await firstChunk(res)).toBe("event: ping\ndata: {}\n\n");
    expect(fake.openConnections()).toBe(1);
    expect(fake.activeRequests()).toBe(1);
    const abortedAt = performance.now();
    controller.abort();
    await fake.waitForClosedConnections(2000);
    expect(fake.openConnections()).toBe(0);
    expect(fake.aborted).toBe(1);
    expect(fake.lastAbortAt! - abortedAt).toBeLessThan(1000); // generous; the 100 ms bound belongs to ccmux tests
    expect(fake.closes.at(-1)).toMatchObject({ byServer: false, midReply: true });
  });

  test("client abort during a slow drip closes the connection and stops the drip", async () => {
    fake.reply(
      sse(
        Array.from({ length: 50 }, (_, i) => `data: ${i}\n\n`),
        { delayMs: 40 },
      ),
    );
    const controller = new AbortController();
    const res = await fetch(`${fake.url}/v1/messages`, { signal: controller.signal });
    expect(await firstChunk(res)).toBe("data: 0\n\n");
    const closed = new Promise<number>((resolve) => {
      const off = fake.onClose((c) => {
        off();
        resolve(c.at);
      });
    });
    const abortedAt = performance.now();
    controller.abort();
    expect((await closed) - abortedAt).toBeLessThan(1000);
    expect(fake.openConnections()).toBe(0);
    expect(fake.aborted).toBe(1);
  });

  test("bigBody sends exactly the requested bytes of valid JSON", async () => {
    const size = 3 * 1024 * 1024 + 7;
    fake.reply(bigBody(size));
    const res = await fetch(`${fake.url}/v1/messages`);
    expect(res.headers.get("content-length")).toBe(String(size));
    const text = await res.text();
    expect(text.length).toBe(size);
    expect(JSON.parse(text).type).toBe("message");
  });

  test("invalidJson is a 200 application/json that does not parse", async () => {
    fake.reply(invalidJson());
    const res = await fetch(`${fake.url}/v1/messages`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    await expect(res.json()).rejects.toThrow();
  });

  test("a throwing handler answers 500 and is recorded in errors", async () => {
    fake.reply(() => {
      throw new Error("boom");
    });
    const res = await fetch(`${fake.url}/x`);
    expect(res.status).toBe(500);
    expect(await res.text()).toContain("boom");
    expect(fake.errors.map((e) => e.message)).toEqual(["boom"]);
  });

  test("concurrent requests are all answered and counted", async () => {
    fake.setDefault(async (req) => json({ path: req.path }));
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => fetch(`${fake.url}/r${i}`).then((r) => r.json())));
    expect(results.map((r) => r.path).sort()).toEqual(["/r1", "/r2", "/r3", "/r4", "/r5"]);
    await fake.waitForClosedConnections(2000);
    expect(fake.aborted).toBe(0);
  });

  test("waitForRequests times out with a description of the state", async () => {
    await expect(fake.waitForRequests(1, 50)).rejects.toThrow(
      /timed out after 50 ms waiting for 1 request\(s\) \(requests=0/,
    );
  });
});

describe("fake upstream: keep-alive mode", () => {
  test("reuses one connection for sequential requests; stop() closes it", async () => {
    const kept = await startFakeUpstream({ keepAlive: true });
    kept.setDefault(sse("data: x\n\n"));
    for (let i = 0; i < 3; i++) expect(await readStream(await fetch(`${kept.url}/s`))).toBe("data: x\n\n");
    kept.setDefault(json({ ok: 1 }));
    expect(await fetch(`${kept.url}/j`).then((r) => r.json())).toEqual({ ok: 1 });
    expect(kept.requests.length).toBe(4);
    expect(kept.openConnections()).toBe(1);
    await kept.stop();
    await kept.stop(); // idempotent
    expect(kept.openConnections()).toBe(0);
    expect(kept.aborted).toBe(0);
  });
});
