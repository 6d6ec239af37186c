import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { json, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { readFixtureJson } from "../helpers/sse.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let up: FakeUpstream;
let ccmux: InProcessServer;
let client: Anthropic;

beforeAll(async () => {
  up = await startFakeUpstream();
  ccmux = await startInProcess(
    testConfig({
      providers: [
        provider("anth", up.url),
        provider("oai", `${up.url}/v1`, { provider_type: "openai-compatible" }),
        provider("busy", up.url),
        provider("spare", up.url),
      ],
      models: [
        model("claude-route", ["anth", "claude-x"]),
        model("glm", ["oai", "glm-4.6"]),
        model("pair", ["busy", "claude-busy"], ["spare", "claude-spare"]),
      ],
    }),
  );
  client = new Anthropic({ baseURL: ccmux.url, apiKey: "k", maxRetries: 0 });
});

afterAll(async () => {
  await ccmux.stop();
  await up.stop();
});

test("Anthropic-compatible upstream: count_tokens is forwarded with the actual model", async () => {
  up.reply(json({ input_tokens: 4242 }));
  const res = await client.messages.countTokens({ model: "claude-route", messages: [{ role: "user", content: "hi" }] });
  expect(res.input_tokens).toBe(4242);
  const sent = up.requests.at(-1)!;
  expect(sent.path).toBe("/v1/messages/count_tokens");
  expect(sent.json().model).toBe("claude-x");
  expect(sent.json().max_tokens).toBeUndefined();
});

test("an upstream 400 on count_tokens is relayed", async () => {
  up.reply(status(400, { type: "error", error: { type: "invalid_request_error", message: "bad thing" } }));
  const err = await client.messages
    .countTokens({ model: "claude-route", messages: [{ role: "user", content: "hi" }] })
    .catch((e) => e);
  expect(err.status).toBe(400);
  expect(err.error.error.message).toBe("bad thing");
});

test("OpenAI-compatible upstream: a real tokenizer estimate over system, messages and tools; nothing sent upstream", async () => {
  const before = up.requests.length;
  const small = await client.messages.countTokens({
    model: "glm",
    messages: [{ role: "user", content: "Hello world" }],
  });
  expect(small.input_tokens).toBeGreaterThanOrEqual(2);
  expect(small.input_tokens).toBeLessThan(20);
  const cc = readFixtureJson("anthropic/request-claude-code.json");
  const withTools = await client.messages.countTokens({
    model: "glm",
    system: cc.system,
    messages: cc.messages,
    tools: cc.tools,
  });
  const noTools = await client.messages.countTokens({ model: "glm", system: cc.system, messages: cc.messages });
  expect(withTools.input_tokens).toBeGreaterThan(noTools.input_tokens);
  const chars = JSON.stringify({ s: cc.system, m: cc.messages, t: cc.tools }).length;
  expect(withTools.input_tokens).toBeGreaterThan(chars / 8);
  expect(withTools.input_tokens).toBeLessThan(chars / 2);
  expect(up.requests.length).toBe(before);
});

test("bad count_tokens input is a 400 in Anthropic's shape", async () => {
  const res = await fetch(`${ccmux.url}/v1/messages/count_tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "glm" }),
  });
  expect(res.status).toBe(400);
  expect((await res.json()).error.type).toBe("invalid_request_error");
});

test("count_tokens fails over like /v1/messages, and a 429 with retry-after cools the provider for later requests", async () => {
  const count = () =>
    fetch(`${ccmux.url}/v1/messages/count_tokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "pair", messages: [{ role: "user", content: "hi" }] }),
    });
  const before = up.requests.length;
  up.reply(
    status(429, { type: "error", error: { type: "rate_limit_error", message: "slow down" } }, { "retry-after": "60" }),
  );
  up.reply(json({ input_tokens: 77 }));
  const first = await count();
  expect(first.headers.get("x-ccmux-provider")).toBe("spare");
  expect((await first.json()).input_tokens).toBe(77);
  expect(up.requests.slice(before).map((r) => r.json().model)).toEqual(["claude-busy", "claude-spare"]);

  up.reply(json({ input_tokens: 78 }));
  const second = await count();
  expect((await second.json()).input_tokens).toBe(78);
  expect(up.requests.slice(before + 2).map((r) => r.json().model)).toEqual(["claude-spare"]);

  up.reply(json({ input_tokens: 79 }));
  const message = await fetch(`${ccmux.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "pair", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
  });
  expect(message.headers.get("x-ccmux-provider")).toBe("spare");
  await message.body?.cancel();
});

test("when no upstream can count, count_tokens answers with the local estimate", async () => {
  up.reply(status(503, "down"));
  const res = await fetch(`${ccmux.url}/v1/messages/count_tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "claude-route", messages: [{ role: "user", content: "Hello world" }] }),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("x-ccmux-provider")).toBeNull();
  const { input_tokens } = await res.json();
  expect(input_tokens).toBeGreaterThanOrEqual(2);
  expect(input_tokens).toBeLessThan(20);
});
