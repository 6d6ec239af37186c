// POST /v1/responses driven by real clients: the official openai SDK (responses.create and
// responses.stream) and the AI SDK's default openai(model), which speaks Responses, against
// fake upstreams of all four dialects (Anthropic, OpenAI-compatible Chat Completions, Gemini, Responses).
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { createOpenAI } from "@ai-sdk/openai";
import { generateText, jsonSchema, stepCountIs, streamText, tool } from "ai";
import OpenAI from "openai";
import { callThenAnswer, replyInDialect, type ScriptTurn } from "../helpers/dialect-replies.ts";
import { startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import {
  model,
  provider,
  startInProcess,
  testConfig,
  translatedProviders,
  type InProcessServer,
} from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let up: FakeUpstream;
let ccmux: InProcessServer;
let client: OpenAI;

const MODELS = ["claude", "glm", "gem", "resp"] as const;
const USAGE = { input: 321, output: 17 };

beforeAll(async () => {
  up = await startFakeUpstream();
  const config = testConfig({
    providers: [provider("anth", up.url), ...translatedProviders(up.url)],
    models: [
      model("claude", ["anth", "claude-sonnet-4-5"]),
      model("glm", ["chat", "glm-4.6"]),
      model("gem", ["gem", "gemini-2.5-pro"]),
      model("resp", ["resp", "gpt-5.1"]),
    ],
    router: { default: "claude", long_context_threshold: 1_000_000, auto_map_regex: "^$" },
  });
  ccmux = await startInProcess(config);
  client = new OpenAI({ baseURL: `${ccmux.url}/v1`, apiKey: "k", maxRetries: 0 });
});

afterAll(async () => {
  await ccmux.stop();
  await up.stop();
});

afterEach(() => up.clear());

const weather = { id: "call_w1", name: "get_weather", input: { city: "Paris" } };
const WEATHER_TOOL: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "Weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: false,
};

/** A call first; once the result is back, an answer. */
function twoTurns(turns: { call: ScriptTurn; answer: ScriptTurn }) {
  up.setDefault(callThenAnswer(turns));
}

describe("openai SDK responses.create / responses.stream", () => {
  for (const m of MODELS) {
    test(`${m}: create returns text, usage and output_text`, async () => {
      up.setDefault((req) => replyInDialect(req, { text: ["Hello", " there"], usage: USAGE }));
      const res = await client.responses.create({ model: m, instructions: "be kind", input: "hi" });
      expect(res.object).toBe("response");
      expect(res.status).toBe("completed");
      expect(res.model).toBe(m);
      expect(res.output_text).toBe("Hello there");
      expect(res.usage).toMatchObject({ input_tokens: USAGE.input, output_tokens: USAGE.output });
    });

    test(`${m}: a function call round trip (function_call and function_call_output items)`, async () => {
      twoTurns({ call: { calls: [weather], usage: USAGE }, answer: { text: ["Sunny"], usage: USAGE } });
      const first = await client.responses.create({ model: m, input: "weather in Paris?", tools: [WEATHER_TOOL] });
      const call = first.output.find((o) => o.type === "function_call");
      expect(call).toMatchObject({ type: "function_call", name: "get_weather", arguments: '{"city":"Paris"}' });
      if (call?.type !== "function_call") throw new Error("no call");
      const second = await client.responses.create({
        model: m,
        tools: [WEATHER_TOOL],
        input: [
          { role: "user", content: "weather in Paris?" },
          { type: "function_call", call_id: call.call_id, name: call.name, arguments: call.arguments },
          { type: "function_call_output", call_id: call.call_id, output: "sunny, 21°C" },
        ],
      });
      expect(second.output_text).toBe("Sunny");
      expect(JSON.stringify(up.requests[1]!.json())).toContain("sunny, 21°C");
    });

    test(`${m}: stream emits the Responses event sequence and the final response`, async () => {
      twoTurns({ call: { text: ["Let me ", "check."], calls: [weather], usage: USAGE }, answer: { text: ["x"] } });
      const stream = client.responses.stream({ model: m, input: "weather in Paris?", tools: [WEATHER_TOOL] });
      const types: string[] = [];
      const seqs: number[] = [];
      let text = "";
      for await (const event of stream) {
        types.push(event.type);
        seqs.push(event.sequence_number);
        if (event.type === "response.output_text.delta") text += event.delta;
      }
      const final = await stream.finalResponse();
      expect(text).toBe("Let me check.");
      expect(seqs).toEqual(seqs.map((_, i) => i));
      expect(types.slice(0, 2)).toEqual(["response.created", "response.in_progress"]);
      expect(types.at(-1)).toBe("response.completed");
      const message = types.indexOf("response.output_item.added");
      expect(types.slice(message, message + 3)).toEqual([
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
      ]);
      expect(types).toContain("response.output_text.done");
      expect(types).toContain("response.content_part.done");
      expect(types).toContain("response.function_call_arguments.delta");
      expect(types).toContain("response.function_call_arguments.done");
      expect(types.filter((t) => t === "response.output_item.done").length).toBe(2);
      expect(final.output.map((o) => o.type)).toEqual(["message", "function_call"]);
      expect(final.output_text).toBe("Let me check.");
      expect(final.usage?.output_tokens).toBe(USAGE.output);
    });
  }
});

describe("AI SDK openai(model) (Responses)", () => {
  const openai = () => createOpenAI({ baseURL: `${ccmux.url}/v1`, apiKey: "k" });
  const tools = {
    get_weather: tool({
      description: "Weather for a city",
      inputSchema: jsonSchema<{ city: string }>({
        type: "object",
        properties: { city: { type: "string" } },
        required: ["city"],
      }),
      execute: async ({ city }) => `sunny in ${city}`,
    }),
  };

  for (const m of MODELS) {
    test(`${m}: generateText runs a tool loop with usage for both steps`, async () => {
      twoTurns({ call: { calls: [weather], usage: USAGE }, answer: { text: ["Sunny ", "in Paris"], usage: USAGE } });
      const result = await generateText({
        model: openai()(m),
        prompt: "weather in Paris?",
        tools,
        stopWhen: stepCountIs(2),
      });
      expect(result.text).toBe("Sunny in Paris");
      expect(result.totalUsage.inputTokens).toBe(2 * USAGE.input);
      expect(result.totalUsage.outputTokens).toBe(2 * USAGE.output);
      expect(JSON.stringify(up.requests[1]!.json())).toContain("sunny in Paris");
    });

    test(`${m}: streamText runs a tool loop`, async () => {
      twoTurns({ call: { calls: [weather], usage: USAGE }, answer: { text: ["Sunny ", "in Paris"], usage: USAGE } });
      const result = streamText({ model: openai()(m), prompt: "weather in Paris?", tools, stopWhen: stepCountIs(2) });
      expect(await result.text).toBe("Sunny in Paris");
      const usage = await result.totalUsage;
      expect(usage.inputTokens).toBe(2 * USAGE.input);
      expect(usage.outputTokens).toBe(2 * USAGE.output);
    });
  }

  test("a second turn replays the first answer's text: as items with store: false; the default store: true's item_reference is a 400 naming the fix", async () => {
    up.setDefault((req) => replyInDialect(req, { text: ["First answer"], usage: USAGE }));
    const first = await generateText({ model: openai()("claude"), prompt: "hi" });
    const messages = [
      { role: "user" as const, content: "hi" },
      ...first.response.messages,
      { role: "user" as const, content: "more" },
    ];
    const stateless = await generateText({
      model: openai()("claude"),
      messages,
      providerOptions: { openai: { store: false } },
    });
    expect(stateless.text).toBe("First answer");
    expect(JSON.stringify(up.requests[1]!.json().messages)).toContain("First answer");
    const stored = await generateText({ model: openai()("claude"), messages, maxRetries: 0 }).catch((e: unknown) => e);
    expect(String((stored as Error).message)).toMatch(/item_reference is not supported.*store: false/);
  });
});
