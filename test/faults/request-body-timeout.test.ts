// Incoming connections: a client whose request body stops arriving gets a 408 in its own API's shape
// and its connection closed (server.limits.request_body_timeout_ms), while responses stay unbounded.
import { describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { sse } from "../helpers/fake-upstream.ts";
import { BLOCK_EVENT, DELTA_EVENT, eventsOf, START_EVENT, useFaultRig } from "../helpers/fault-rig.ts";
import { rawUntilClosed } from "../helpers/raw-http.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const BODY_MS = 1000;
const r = useFaultRig({
  limits: { request_body_timeout_ms: BODY_MS },
  timeouts: { idle_timeout_ms: 10_000, api_timeout_ms: 10_000 },
});

const port = () => Number(new URL(r.ccmux.url).port);

const BODY = JSON.stringify({ model: "solo", max_tokens: 5, messages: [{ role: "user", content: "hi" }] });

function head(path: string, framing: string): string {
  return `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port()}\r\ncontent-type: application/json\r\n${framing}\r\n\r\n`;
}

/** Headers and the first `sent` bytes of a body announced as `BODY.length` bytes; the rest never comes. */
const stalledAfter = (path: string, sent: number) => head(path, `content-length: ${BODY.length}`) + BODY.slice(0, sent);

describe("a request body that stalls", () => {
  test("on /v1/messages: a 408 in Anthropic's shape, then the connection is closed", async () => {
    const res = await rawUntilClosed(port(), stalledAfter("/v1/messages", 20));
    expect(res.status).toBe(408);
    expect(res.headers.connection).toBe("close");
    expect(JSON.parse(res.body)).toEqual({
      type: "error",
      error: {
        type: "timeout_error",
        message: `Request body stalled: no byte arrived for ${BODY_MS} ms (server.limits.request_body_timeout_ms)`,
      },
    });
    expect(r.primary.requests).toHaveLength(0);
  });

  test("on /v1/chat/completions: the 408 is in OpenAI's shape", async () => {
    const res = await rawUntilClosed(port(), stalledAfter("/v1/chat/completions", 20));
    expect(res.status).toBe(408);
    const body = JSON.parse(res.body);
    expect(body.type).toBeUndefined();
    expect(body.error.message).toContain("Request body stalled");
  });

  test("before its first byte", async () => {
    const res = await rawUntilClosed(port(), stalledAfter("/v1/messages", 0));
    expect(res.status).toBe(408);
  });

  test("chunked, after its first chunk", async () => {
    const chunk = BODY.slice(0, 30);
    const res = await rawUntilClosed(
      port(),
      `${head("/v1/messages", "transfer-encoding: chunked")}${chunk.length.toString(16)}\r\n${chunk}\r\n`,
    );
    expect(res.status).toBe(408);
  });

  test("on the admin API too", async () => {
    const res = await rawUntilClosed(port(), `${stalledAfter("/api/config/json", 5)}`);
    expect(res.status).toBe(408);
  });
});

describe("what the bound leaves alone", () => {
  test("a body that arrives slowly but steadily, for longer than the bound in all", async () => {
    r.primary.reply(sse([START_EVENT, BLOCK_EVENT, DELTA_EVENT, ...end()]));
    const pieces = 15;
    const size = Math.ceil(BODY.length / pieces);
    const text = await new Promise<string>((resolve) => {
      const socket = connect(port(), "127.0.0.1");
      let got = "";
      socket.on("data", (d) => (got += d.toString("latin1")));
      socket.on("close", () => resolve(got));
      socket.write(head("/v1/messages", `content-length: ${BODY.length}\r\nconnection: close`));
      let i = 0;
      const timer = setInterval(
        () => {
          socket.write(BODY.slice(i * size, (i + 1) * size));
          if (++i === pieces) clearInterval(timer);
        },
        (2 * BODY_MS) / pieces,
      );
    });
    expect(text.startsWith("HTTP/1.1 200")).toBe(true);
  });

  test("a streamed answer slower than the bound is relayed whole", async () => {
    r.primary.reply(sse([START_EVENT, BLOCK_EVENT, DELTA_EVENT, DELTA_EVENT, ...end()], { delayMs: BODY_MS / 2 }));
    const t0 = performance.now();
    const res = await r.post({ model: "solo", stream: true });
    const events = eventsOf(await res.text()).map((e) => e.event);
    expect(performance.now() - t0).toBeGreaterThan(2 * BODY_MS);
    expect(events.at(-1)).toBe("message_stop");
    expect(events.filter((e) => e === "content_block_delta")).toHaveLength(2);
  });
});

function end(): string[] {
  return [
    'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
    'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":1}}\n\n',
    'event: message_stop\ndata: {"type":"message_stop"}\n\n',
  ];
}
