// Secrets never leave: an upstream that echoes the credentials it was sent, in every place an
// upstream's words reach the client (stream error events of each dialect, the OpenAI front door,
// pass-through streams, relayed headers, /api/status).
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { json, sse, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { BLOCK_EVENT, DELTA_EVENT, MESSAGE, START_EVENT, eventsOf } from "../helpers/fault-rig.ts";
import { responsesEvent } from "../helpers/translated-upstreams.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

// Configured secrets of no recognisable shape: only the configured-value scrubber can catch them.
const ANTH_KEY = "plain-anth-credential-0001";
const OAI_KEY = "plain-oai-credential-0002";
const GEM_KEY = "plain-gem-credential-0003";
const RESP_KEY = "plain-resp-credential-0004";
const HEADER_SECRET = "plain-header-credential-05";
const ALL = [ANTH_KEY, OAI_KEY, GEM_KEY, RESP_KEY, HEADER_SECRET];

let up: FakeUpstream;
let ccmux: InProcessServer;

beforeAll(async () => {
  up = await startFakeUpstream();
  const config = testConfig({
    providers: [
      provider("anth", up.url, { api_key: ANTH_KEY, headers: { "x-custom-auth": HEADER_SECRET } }),
      provider("oai", `${up.url}/v1`, { provider_type: "openai-compatible", api_key: OAI_KEY }),
      provider("gem", `${up.url}/v1beta`, { provider_type: "gemini", api_key: GEM_KEY }),
      provider("resp", `${up.url}/v1`, { provider_type: "openai-responses", api_key: RESP_KEY }),
    ],
    models: [
      model("anth", ["anth", "a1"]),
      model("oai", ["oai", "o1"]),
      model("gem", ["gem", "g1"]),
      model("resp", ["resp", "r1"]),
    ],
    router: { default: "anth", long_context_threshold: 10_000_000 },
  });
  config.server.health = { failure_threshold: 1000, cooldown_ms: 1000, max_cooldown_ms: 1000 };
  ccmux = await startInProcess(config);
});

afterAll(async () => {
  await ccmux.stop();
  await up.stop();
});

afterEach(() => up.clear());

const echo = `rejected credential ${ANTH_KEY} ${OAI_KEY} ${GEM_KEY} ${RESP_KEY} ${HEADER_SECRET}`;

function post(path: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${ccmux.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ max_tokens: 16, messages: [{ role: "user", content: "hi" }], ...body }),
  });
}

function expectNoSecret(text: string): void {
  for (const secret of ALL) expect(text).not.toContain(secret);
}

/** A streamed request whose upstream sends some content, then an error echoing every key. */
async function midStreamError(model: string, upstreamBody: string): Promise<string> {
  up.reply(sse(upstreamBody));
  const res = await post("/v1/messages", { model, stream: true });
  expect(res.status).toBe(200);
  const text = await res.text();
  expectNoSecret(text);
  const error = eventsOf(text).find((e) => e.event === "error");
  expect(error?.data.error.message).toContain("[redacted]");
  return text;
}

describe("a mid-stream error echoing the keys is scrubbed in every dialect", () => {
  test("OpenAI Chat", async () => {
    const content = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: "Hel" } }] })}\n\n`;
    await midStreamError("oai", `${content}data: ${JSON.stringify({ error: { message: echo } })}\n\n`);
  });

  test("Gemini", async () => {
    const content = `data: ${JSON.stringify({ candidates: [{ content: { role: "model", parts: [{ text: "Hel" }] } }] })}\n\n`;
    const error = `data: ${JSON.stringify({ error: { code: 500, message: echo, status: "INTERNAL" } })}\n\n`;
    await midStreamError("gem", content + error);
  });

  test("Responses", async () => {
    const body =
      responsesEvent({ type: "response.created", response: { id: "resp_1" } }) +
      responsesEvent({ type: "response.output_item.added", output_index: 0, item: { type: "message" } }) +
      responsesEvent({ type: "response.output_text.delta", output_index: 0, delta: "Hel" }) +
      responsesEvent({ type: "error", code: "server_error", message: echo });
    await midStreamError("resp", body);
  });

  test("Anthropic pass-through: the error frame is scrubbed, content frames are relayed byte for byte", async () => {
    const error = `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: "overloaded_error", message: echo } })}\n\n`;
    const text = await midStreamError("anth", START_EVENT + BLOCK_EVENT + DELTA_EVENT + error);
    expect(text.startsWith(START_EVENT + BLOCK_EVENT + DELTA_EVENT)).toBe(true);
    expect(eventsOf(text).at(-1)?.data.error.type).toBe("overloaded_error");
  });

  test("the OpenAI front door's stream", async () => {
    const content = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: "Hel" } }] })}\n\n`;
    up.reply(sse(`${content}data: ${JSON.stringify({ error: { message: echo } })}\n\n`));
    const res = await post("/v1/chat/completions", { model: "oai", stream: true });
    const text = await res.text();
    expectNoSecret(text);
    expect(text).toContain("[redacted]");
  });
});

describe("errors before the answer", () => {
  test("a JSON error echoing the keys, on both front doors", async () => {
    for (const path of ["/v1/messages", "/v1/chat/completions"]) {
      up.reply(status(400, { type: "error", error: { type: "invalid_request_error", message: echo } }));
      const res = await post(path, { model: "anth" });
      expect(res.status).toBe(400);
      const text = await res.text();
      expectNoSecret(text);
      expect(text).toContain("[redacted]");
    }
  });

  test("/api/status last_error never shows the configured key", async () => {
    up.reply(status(500, { type: "error", error: { type: "api_error", message: echo } }));
    expect((await post("/v1/messages", { model: "anth" })).status).toBe(500);
    const report = await (await fetch(`${ccmux.url}/api/status`)).json();
    const anth = (report as { providers: { name: string; last_error: string }[] }).providers.find(
      (p) => p.name === "anth",
    );
    expect(anth?.last_error).toContain("rejected credential");
    expectNoSecret(JSON.stringify(report));
  });
});

describe("relayed upstream headers", () => {
  test("only the allow-list passes, and never a value carrying a configured secret", async () => {
    up.reply(
      json(MESSAGE, {
        headers: {
          "request-id": "req_fault_1",
          "anthropic-ratelimit-unified-status": "allowed",
          "x-request-id": ANTH_KEY,
          "set-cookie": "session=abcdefgh",
          "x-echo-header": HEADER_SECRET,
          "x-upstream-trace": "t1",
        },
      }),
    );
    const res = await post("/v1/messages", { model: "anth" });
    expect(res.status).toBe(200);
    expect(res.headers.get("request-id")).toBe("req_fault_1");
    expect(res.headers.get("anthropic-ratelimit-unified-status")).toBe("allowed");
    for (const name of ["x-request-id", "set-cookie", "x-echo-header", "x-upstream-trace"])
      expect(res.headers.get(name)).toBeNull();
    const all: string[] = [];
    res.headers.forEach((v, k) => void all.push(`${k}: ${v}`));
    expectNoSecret(all.join("\n"));
    await res.arrayBuffer();
  });
});
