import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { json, sse, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { readFixture, readFixtureJson, splitSseEvents } from "../helpers/sse.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let anth: FakeUpstream;
let oai: FakeUpstream;
let ccmux: InProcessServer;
let client: OpenAI;

beforeAll(async () => {
  anth = await startFakeUpstream();
  oai = await startFakeUpstream();
  ccmux = await startInProcess(
    testConfig({
      providers: [provider("anth", anth.url), provider("oai", `${oai.url}/v1`, { provider_type: "openai-compatible" })],
      models: [model("claude", ["anth", "claude-sonnet-4-6"]), model("glm", ["oai", "glm-4.6"])],
    }),
  );
  client = new OpenAI({ baseURL: `${ccmux.url}/v1`, apiKey: "k", maxRetries: 0 });
});

afterAll(async () => {
  await ccmux.stop();
  await anth.stop();
  await oai.stop();
});

afterEach(() => {
  anth.clear();
  oai.clear();
});

const TOOLS: OpenAI.Chat.ChatCompletionTool[] = [
  {
    type: "function",
    function: {
      name: "Grep",
      description: "search",
      parameters: { type: "object", properties: { pattern: { type: "string" } }, required: ["pattern"] },
    },
  },
];

describe("POST /v1/chat/completions (OpenAI front door)", () => {
  test("to an Anthropic upstream, not streamed: tool calls come back in OpenAI's shape", async () => {
    anth.reply(json(readFixtureJson("anthropic/response-tool-use.json")));
    const res = await client.chat.completions.create({
      model: "claude",
      messages: [
        { role: "system", content: "sys" },
        { role: "user", content: "find foo" },
      ],
      tools: TOOLS,
    });
    expect(res.object).toBe("chat.completion");
    expect(res.model).toBe("claude");
    expect(res.choices[0]!.finish_reason).toBe("tool_calls");
    const call = res.choices[0]!.message.tool_calls![0]!;
    expect(call.type).toBe("function");
    expect(typeof JSON.parse((call as { function: { arguments: string } }).function.arguments)).toBe("object");
    const sent = anth.requests[0]!.json();
    expect(sent.model).toBe("claude-sonnet-4-6");
    expect(sent.system).toEqual([{ type: "text", text: "sys" }]);
    expect(sent.tools[0]).toMatchObject({ name: "Grep", input_schema: { type: "object" } });
  });

  test("to an Anthropic upstream, streamed: chunks with tool_call deltas and a usage chunk", async () => {
    anth.reply(sse(splitSseEvents(readFixture("anthropic/stream-tool-use.sse"))));
    const stream = await client.chat.completions.create({
      model: "claude",
      messages: [{ role: "user", content: "go" }],
      tools: TOOLS,
      stream: true,
      stream_options: { include_usage: true },
    });
    let args = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        for (const tc of choice.delta.tool_calls ?? []) args += tc.function?.arguments ?? "";
        if (choice.finish_reason) finish = choice.finish_reason;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(finish).toBe("tool_calls");
    expect(JSON.parse(args)).toHaveProperty("pattern");
    expect(usage!.completion_tokens).toBeGreaterThan(0);
  });

  test("to an OpenAI upstream, not streamed and streamed", async () => {
    oai.reply(json(readFixtureJson("openai/response-tool-calls.json")));
    const res = await client.chat.completions.create({
      model: "glm",
      messages: [{ role: "user", content: "go" }],
      tools: TOOLS,
    });
    expect(res.choices[0]!.message.tool_calls!.length).toBe(2);
    oai.reply(sse(readFixture("openai/stream-text.sse")));
    const stream = await client.chat.completions.create({
      model: "glm",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    let usageChunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usageChunks++;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usageChunks).toBe(0);
    expect(oai.requests[1]!.json().model).toBe("glm-4.6");
  });

  test("a tool-role round trip reaches an Anthropic upstream as tool_result", async () => {
    anth.reply(json(readFixtureJson("anthropic/response-tool-use.json")));
    await client.chat.completions.create({
      model: "claude",
      tools: TOOLS,
      messages: [
        { role: "user", content: "find foo" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_1", type: "function", function: { name: "Grep", arguments: '{"pattern":"foo"}' } }],
        },
        { role: "tool", tool_call_id: "call_1", content: "3 matches" },
      ],
    });
    const msgs = anth.requests[0]!.json().messages;
    expect(msgs[1].content[0]).toMatchObject({
      type: "tool_use",
      id: "call_1",
      name: "Grep",
      input: { pattern: "foo" },
    });
    expect(msgs[2].content[0]).toMatchObject({ type: "tool_result", tool_use_id: "call_1" });
  });

  test("errors come back in OpenAI's shape", async () => {
    const bad = await fetch(`${ccmux.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{oops",
    });
    expect(bad.status).toBe(400);
    const body = await bad.json();
    expect(body.error.type).toBe("invalid_request_error");
    expect(typeof body.error.message).toBe("string");
    expect(body.type).toBeUndefined();
    anth.reply(
      status(429, { type: "error", error: { type: "rate_limit_error", message: "slow" } }, { "retry-after": "3" }),
    );
    const err = await client.chat.completions
      .create({ model: "claude", messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.error.message).toContain("slow");
    const unknown = await client.chat.completions
      .create({ model: "nope", messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(unknown.status).toBe(404);
  });
});
