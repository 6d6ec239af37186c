import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { json, sse, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { readFixture } from "../helpers/sse.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const MESSAGE = {
  id: "msg_01",
  type: "message",
  role: "assistant",
  model: "upstream-model",
  content: [{ type: "text", text: "Hello from upstream" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 12, output_tokens: 4 },
};

let primary: FakeUpstream;
let backup: FakeUpstream;
let ccmux: InProcessServer;
let client: Anthropic;

beforeAll(async () => {
  primary = await startFakeUpstream();
  backup = await startFakeUpstream();
  const config = testConfig({
    providers: [provider("primary", primary.url), provider("backup", backup.url)],
    models: [model("sonnet", ["primary", "up-sonnet"], ["backup", "backup-sonnet"])],
    router: { default: "sonnet", long_context_threshold: 60_000 },
  });
  ccmux = await startInProcess(config);
  client = new Anthropic({ baseURL: ccmux.url, apiKey: "client-key", maxRetries: 0 });
});

afterAll(async () => {
  await ccmux.stop();
  await primary.stop();
  await backup.stop();
});

afterEach(() => {
  primary.clear();
  backup.clear();
});

describe("Anthropic pass-through", () => {
  test("create: forwards the body with actual_model and relays the answer", async () => {
    primary.reply(json(MESSAGE));
    const msg = await client.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      messages: [{ role: "user", content: "hi" }],
      metadata: { user_id: "u1" },
    });
    expect(msg.content[0]).toMatchObject({ type: "text", text: "Hello from upstream" });
    const [req] = primary.requests;
    expect(req!.path).toBe("/v1/messages");
    const body = req!.json();
    expect(body.model).toBe("up-sonnet");
    expect(body.metadata).toEqual({ user_id: "u1" });
    expect(req!.headers["x-api-key"]).toBe("test-key-primary");
    expect(req!.headers["anthropic-version"]).toBe("2026-10-21");
  });

  test("unknown fields and block types are forwarded untouched", async () => {
    primary.reply(json(MESSAGE));
    const raw = {
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] },
      tool_choice: { type: "auto" },
      messages: [
        {
          role: "user",
          content: [{ type: "document", source: { type: "text", media_type: "text/plain", data: "doc" } }],
        },
        {
          role: "assistant",
          content: [
            { type: "redacted_thinking", data: "opaque" },
            { type: "text", text: "ok" },
          ],
        },
        { role: "user", content: [{ type: "text", text: "go", cache_control: { type: "ephemeral" } }] },
      ],
    };
    const res = await fetch(`${ccmux.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-beta": "a-beta,b-beta" },
      body: JSON.stringify(raw),
    });
    expect(res.status).toBe(200);
    const sent = primary.requests[0]!.json();
    expect(sent).toEqual({ ...raw, model: "up-sonnet" });
    expect(primary.requests[0]!.headers["anthropic-beta"]).toBe("a-beta,b-beta");
  });

  test("an unchanged request is forwarded byte for byte, only the model value swapped", async () => {
    primary.reply(json(MESSAGE));
    const raw =
      '{ "model" : "claude-sonnet-4-6",\n  "max_tokens": 7, "messages": [{"role":"user","content":"caf\u00e9 \\"model\\""}],"metadata":{"model":"inner"} }';
    const res = await fetch(`${ccmux.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: raw,
    });
    expect(res.status).toBe(200);
    expect(primary.requests[0]!.bodyText).toBe(raw.replace('"claude-sonnet-4-6"', '"up-sonnet"'));
  });

  test("a subagent tag is stripped before forwarding, so the body is rebuilt", async () => {
    primary.reply(json(MESSAGE));
    const body = {
      model: "sonnet",
      max_tokens: 7,
      system: [
        { type: "text", text: "billing" },
        { type: "text", text: "Be quick.<CCM-SUBAGENT-MODEL>sonnet</CCM-SUBAGENT-MODEL>" },
      ],
      messages: [{ role: "user", content: "hi" }],
    };
    const res = await fetch(`${ccmux.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.headers.get("x-ccmux-route")).toBe("subagent");
    const sent = primary.requests[0]!;
    expect(sent.bodyText).not.toContain("CCM-SUBAGENT-MODEL");
    expect(sent.json().system[1].text).toBe("Be quick.");
  });

  test("stream: the SDK sees exactly the upstream's events", async () => {
    const fixture = readFixture("anthropic/stream-tool-use.sse");
    const chunks = fixture.match(/[\s\S]{1,7}/g)!;
    primary.reply(sse(chunks));
    const res = await fetch(`${ccmux.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "claude-sonnet-4-6",
        max_tokens: 100,
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(await res.text()).toBe(fixture);
    primary.reply(sse(fixture));
    const stream = client.messages.stream({
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      messages: [{ role: "user", content: "hi" }],
    });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe("tool_use");
    expect(final.content.some((b) => b.type === "tool_use")).toBe(true);
  });

  test("routing headers and Server-Timing on every response", async () => {
    primary.reply(json(MESSAGE));
    const { response } = await client.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 10, messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(response.headers.get("x-ccmux-route")).toBe("default");
    expect(response.headers.get("x-ccmux-provider")).toBe("primary");
    expect(response.headers.get("x-ccmux-model")).toBe("up-sonnet");
    expect(response.headers.get("server-timing")).toMatch(/^ccmux;dur=\d+\.\d+/);
  });

  test("one info log line per request with route, provider, model, status and tokens", async () => {
    primary.reply(json(MESSAGE));
    const before = ccmux.logs.length;
    await client.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 10,
      messages: [{ role: "user", content: "hi" }],
    });
    await Bun.sleep(20);
    const requestLines = ccmux.logs
      .slice(before)
      .filter((l) => l.includes(" INFO ") && l.includes("primary/up-sonnet"));
    const line = requestLines[0];
    expect(line).toBeDefined();
    expect(line).toMatch(
      /INFO {2}claude-sonnet-4-6 → default → primary\/up-sonnet \/v1\/messages json 200 \d+ms tokens in 12 out 4 cached \d+ attempts 1$/m,
    );
    expect(requestLines).toHaveLength(1);
  });
});

describe("failover", () => {
  test("a 529 from the first provider moves on to the next", async () => {
    primary.reply(status(529, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }));
    backup.reply(json({ ...MESSAGE, content: [{ type: "text", text: "from backup" }] }));
    const { data, response } = await client.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 10, messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(data.content[0]).toMatchObject({ type: "text", text: "from backup" });
    expect(response.headers.get("x-ccmux-provider")).toBe("backup");
    expect(backup.requests[0]!.json().model).toBe("backup-sonnet");
  });

  test("a client 4xx goes back as is, without trying the next provider", async () => {
    primary.reply(
      status(400, {
        type: "error",
        error: { type: "invalid_request_error", message: "prompt is too long: 300000 tokens > 200000 maximum" },
      }),
    );
    const err = await client.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 10, messages: [{ role: "user", content: "hi" }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(err.status).toBe(400);
    expect(err.error.error.message).toBe("prompt is too long: 300000 tokens > 200000 maximum");
    expect(backup.requests.length).toBe(0);
  });

  test("when all fail: the last status and message, plus which providers were tried", async () => {
    primary.reply(status(500, { type: "error", error: { type: "api_error", message: "boom" } }));
    backup.reply(
      status(429, { type: "error", error: { type: "rate_limit_error", message: "slow down" } }, { "retry-after": "7" }),
    );
    const res = await fetch(`${ccmux.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(res.headers.get("x-ccmux-route")).toBe("default");
    const body = await res.json();
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("rate_limit_error");
    expect(body.error.message).toContain("slow down");
    expect(body.error.message).toContain("primary (500 boom)");
    expect(body.error.message).toContain("backup (429 slow down)");
  });

  test("a refused connection fails over", async () => {
    const dead = await startFakeUpstream();
    const deadUrl = dead.url;
    await dead.stop();
    const other = await startInProcess(
      testConfig({
        providers: [provider("dead", deadUrl), provider("backup", backup.url)],
        models: [model("m", ["dead", "x"], ["backup", "y"])],
      }),
    );
    backup.reply(json(MESSAGE));
    const c = new Anthropic({ baseURL: other.url, apiKey: "k", maxRetries: 0 });
    const msg = await c.messages.create({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "hi" }] });
    expect(msg.id).toBe("msg_01");
    await other.stop();
  });
});
