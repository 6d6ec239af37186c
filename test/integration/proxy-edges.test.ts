import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { hang, json, sse, stallAfter, startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let up: FakeUpstream;
let backup: FakeUpstream;
let ccmux: InProcessServer;
let secured: InProcessServer;

const OK = {
  id: "msg_x",
  type: "message",
  role: "assistant",
  model: "m",
  content: [{ type: "text", text: "ok" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 1, output_tokens: 1 },
};

beforeAll(async () => {
  up = await startFakeUpstream();
  backup = await startFakeUpstream();
  const base = {
    providers: [provider("up", up.url), provider("backup", backup.url)],
    models: [model("sonnet", ["up", "u1"], ["backup", "b1"]), model("haiku-fast", ["backup", "h1"])],
    router: { default: "sonnet", background: "haiku-fast", long_context_threshold: 60_000 },
  };
  ccmux = await startInProcess(
    testConfig({
      ...base,
      server: {
        host: "127.0.0.1",
        port: 0,
        log_level: "info",
        timeouts: { connect_timeout_ms: 2000, api_timeout_ms: 300, idle_timeout_ms: 30_000 },
      },
    }),
  );
  secured = await startInProcess(
    testConfig({
      ...base,
      server: {
        host: "127.0.0.1",
        port: 0,
        log_level: "info",
        api_key: "s3cret-inbound",
        timeouts: { connect_timeout_ms: 2000, api_timeout_ms: 5000, idle_timeout_ms: 30_000 },
      },
    }),
  );
});

afterAll(async () => {
  await Promise.all([ccmux.stop(), secured.stop()]);
  await Promise.all([up.stop(), backup.stop()]);
});

afterEach(() => {
  up.clear();
  backup.clear();
});

function post(
  base: string,
  body: unknown,
  headers: Record<string, string> = { "content-type": "application/json" },
  path = "/v1/messages",
) {
  return fetch(base + path, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
}

async function expectError(res: Response, status: number, type: string, message?: RegExp) {
  expect(res.status).toBe(status);
  const body = await res.json();
  expect(body.type).toBe("error");
  expect(body.error.type).toBe(type);
  if (message) expect(body.error.message).toMatch(message);
  return body;
}

describe("bad input gets a 400 in Anthropic's shape", () => {
  test("malformed JSON", async () => {
    await expectError(await post(ccmux.url, "{not json"), 400, "invalid_request_error", /not valid JSON/);
  });
  test("wrong content type", async () => {
    await expectError(
      await post(ccmux.url, "model=x", { "content-type": "application/x-www-form-urlencoded" }),
      400,
      "invalid_request_error",
      /Content-Type must be application\/json/,
    );
  });
  test("missing model", async () => {
    await expectError(await post(ccmux.url, { messages: [] }), 400, "invalid_request_error", /^model: /);
  });
  test("missing messages", async () => {
    await expectError(await post(ccmux.url, { model: "sonnet" }), 400, "invalid_request_error", /^messages: /);
  });
  test("body that is not an object", async () => {
    await expectError(await post(ccmux.url, [1, 2]), 400, "invalid_request_error", /must be a JSON object/);
    await expectError(await post(ccmux.url, "null"), 400, "invalid_request_error", /must be a JSON object/);
  });
  test("a message with a bad role names the path", async () => {
    await expectError(
      await post(ccmux.url, { model: "sonnet", messages: [{ role: "robot", content: "x" }] }),
      400,
      "invalid_request_error",
      /messages\[0\]\.role/,
    );
  });
  test("unknown model is a 404 listing configured models", async () => {
    await expectError(
      await post(ccmux.url, { model: "gpt-nope", max_tokens: 5, messages: [{ role: "user", content: "x" }] }),
      404,
      "not_found_error",
      /Configured models: sonnet, haiku-fast/,
    );
  });
  test("a body over 32 MB is a 413 request_too_large", async () => {
    const big = JSON.stringify({
      model: "sonnet",
      messages: [{ role: "user", content: "x".repeat(33 * 1024 * 1024) }],
    });
    await expectError(await post(ccmux.url, big), 413, "request_too_large");
  });
  test("unknown routes answer in the same envelope", async () => {
    const res = await fetch(`${ccmux.url}/v1/nope`);
    await expectError(res, 404, "not_found_error");
  });
  test("X-Provider naming a provider outside the mappings is a 400", async () => {
    const res = await post(
      ccmux.url,
      { model: "sonnet", max_tokens: 5, messages: [{ role: "user", content: "x" }] },
      { "content-type": "application/json", "x-provider": "nobody" },
    );
    await expectError(res, 400, "invalid_request_error", /Provider 'nobody' not found in mappings for model 'sonnet'/);
  });
});

describe("routes and endpoints", () => {
  test("HEAD / and GET /health answer 200", async () => {
    expect((await fetch(ccmux.url, { method: "HEAD" })).status).toBe(200);
    const health = await fetch(`${ccmux.url}/health`);
    expect(health.status).toBe(200);
    expect((await health.json()).status).toBe("ok");
  });
  test("GET /v1/models lists the configured models in Anthropic's shape", async () => {
    const client = new Anthropic({ baseURL: ccmux.url, apiKey: "k" });
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(["sonnet", "haiku-fast"]);
  });
  test("a haiku model takes the background route", async () => {
    backup.reply(json(OK));
    const res = await post(ccmux.url, {
      model: "claude-3-5-Haiku-latest",
      max_tokens: 5,
      messages: [{ role: "user", content: "x" }],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ccmux-route")).toBe("background");
    expect(backup.requests[0]!.json().model).toBe("h1");
  });
  test("X-Provider picks the named mapping", async () => {
    backup.reply(json(OK));
    const res = await post(
      ccmux.url,
      { model: "sonnet", max_tokens: 5, messages: [{ role: "user", content: "x" }] },
      { "content-type": "application/json", "x-provider": "backup" },
    );
    expect(res.headers.get("x-ccmux-provider")).toBe("backup");
    expect(up.requests.length).toBe(0);
  });
});

describe("time bounds and aborts", () => {
  test("no response headers within api_timeout_ms fails over to the next provider", async () => {
    up.reply(hang());
    backup.reply(json(OK));
    const res = await post(ccmux.url, { model: "sonnet", max_tokens: 5, messages: [{ role: "user", content: "x" }] });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ccmux-provider")).toBe("backup");
    await up.waitForClosedConnections(2000);
  });

  test("a client that disconnects mid-stream aborts the upstream request", async () => {
    up.reply(
      stallAfter([
        'event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","model":"u1","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":0}}}\n\n',
      ]),
    );
    const ac = new AbortController();
    const res = await fetch(`${ccmux.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "sonnet",
        max_tokens: 5,
        stream: true,
        messages: [{ role: "user", content: "x" }],
      }),
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    expect(up.openConnections()).toBe(1);
    ac.abort();
    await up.waitForClosedConnections(2000);
    expect(up.openConnections()).toBe(0);
  });

  test("a streamed answer is relayed event for event while it drips", async () => {
    const events = [
      'event: ping\ndata: {"type":"ping"}\n\n',
      'event: ping\ndata: {"type":"ping"}\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ];
    up.reply(sse(events, { delayMs: 50 }));
    const res = await post(ccmux.url, {
      model: "sonnet",
      max_tokens: 5,
      stream: true,
      messages: [{ role: "user", content: "x" }],
    });
    expect(await res.text()).toBe(events.join(""));
  });
});

describe("inbound API key", () => {
  const body = { model: "sonnet", max_tokens: 5, messages: [{ role: "user", content: "x" }] };
  test("missing or wrong key is a 401 authentication_error", async () => {
    await expectError(await post(secured.url, body), 401, "authentication_error", /requires an API key/);
    await expectError(
      await post(secured.url, body, { "content-type": "application/json", "x-api-key": "wrong" }),
      401,
      "authentication_error",
    );
    expect(up.requests.length).toBe(0);
  });
  test("x-api-key or Bearer with the right key gets through", async () => {
    up.reply(json(OK));
    up.reply(json(OK));
    expect(
      (await post(secured.url, body, { "content-type": "application/json", "x-api-key": "s3cret-inbound" })).status,
    ).toBe(200);
    expect(
      (await post(secured.url, body, { "content-type": "application/json", authorization: "Bearer s3cret-inbound" }))
        .status,
    ).toBe(200);
  });
});
