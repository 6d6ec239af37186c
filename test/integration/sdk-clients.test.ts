// LangChain's ChatAnthropic and the Vercel AI SDK's Anthropic provider through ccmux to every
// translating dialect: streamed usage (LangChain reads input tokens from message_start) and tools.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { createAnthropic } from "@ai-sdk/anthropic";
import Anthropic from "@anthropic-ai/sdk";
import { ChatAnthropic } from "@langchain/anthropic";
import { jsonSchema, streamText, tool } from "ai";
import { callThenAnswer, replyInDialect, type ScriptTurn } from "../helpers/dialect-replies.ts";
import { startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { model, startInProcess, testConfig, translatedProviders, type InProcessServer } from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let up: FakeUpstream;
let ccmux: InProcessServer;

const MODELS = ["chat", "gem", "resp"] as const;
const USAGE = { input: 321, output: 17 };

beforeAll(async () => {
  up = await startFakeUpstream();
  const config = testConfig({
    providers: [...translatedProviders(up.url)],
    models: [
      model("chat", ["chat", "glm-4.6"]),
      model("gem", ["gem", "gemini-2.5-pro"]),
      model("resp", ["resp", "gpt-5.1"]),
    ],
    router: { default: "chat", long_context_threshold: 1_000_000, auto_map_regex: "^$" },
  });
  ccmux = await startInProcess(config);
});

afterAll(async () => {
  await ccmux.stop();
  await up.stop();
});

afterEach(() => up.clear());

const weather = { id: "call_w1", name: "get_weather", input: { city: "Paris" } };
/** A call first; once the result is back, an answer. */
function twoTurns(turns: { call: ScriptTurn; answer: ScriptTurn }) {
  up.setDefault(callThenAnswer(turns));
}

describe("@anthropic-ai/sdk stream events", () => {
  for (const m of MODELS) {
    test(`${m}: message_start carries ccmux's input estimate, message_delta the upstream's exact count`, async () => {
      up.setDefault((req) => replyInDialect(req, { text: ["Hi"], usage: USAGE }));
      const client = new Anthropic({ baseURL: ccmux.url, apiKey: "k", maxRetries: 0 });
      const stream = client.messages.stream({ model: m, max_tokens: 50, messages: [{ role: "user", content: "hi" }] });
      let start = -1;
      let delta = -1;
      for await (const event of stream) {
        if (event.type === "message_start") start = event.message.usage.input_tokens;
        if (event.type === "message_delta") delta = event.usage.input_tokens ?? -1;
      }
      // Gemini counts on every chunk, so its message_start already has the exact figure.
      if (m === "gem") expect(start).toBe(USAGE.input);
      else expect(start).toBeGreaterThan(0);
      if (m !== "gem") expect(start).toBeLessThan(200);
      expect(delta).toBe(USAGE.input);
    });
  }
});

describe("LangChain ChatAnthropic", () => {
  for (const m of MODELS) {
    test(`${m}: streamed usage has input tokens (message_start) and the exact total at the end`, async () => {
      up.setDefault((req) => replyInDialect(req, { text: ["Hello", " there"], usage: USAGE }));
      const llm = new ChatAnthropic({
        model: m,
        apiKey: "k",
        anthropicApiUrl: ccmux.url,
        streaming: true,
        maxRetries: 0,
      });
      let text = "";
      let usage: { input_tokens: number; output_tokens: number } | undefined;
      for await (const chunk of await llm.stream("hi")) {
        text += typeof chunk.content === "string" ? chunk.content : "";
        if (chunk.usage_metadata?.input_tokens) usage = chunk.usage_metadata;
      }
      expect(text).toBe("Hello there");
      expect(usage?.input_tokens).toBeGreaterThan(0);
      expect(usage!.input_tokens).toBeLessThan(2000);
    });

    test(`${m}: bound tools come back as tool_calls with their arguments`, async () => {
      twoTurns({ call: { calls: [weather], usage: USAGE }, answer: { text: ["Sunny"], usage: USAGE } });
      const llm = new ChatAnthropic({ model: m, apiKey: "k", anthropicApiUrl: ccmux.url, maxRetries: 0 });
      const withTools = llm.bindTools([
        {
          name: "get_weather",
          description: "Weather for a city",
          input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      ]);
      const reply = await withTools.invoke("weather in Paris?");
      expect(reply.tool_calls?.map((c) => [c.name, c.args])).toEqual([["get_weather", { city: "Paris" }]]);
      expect(reply.usage_metadata?.input_tokens).toBe(USAGE.input);
    });
  }
});

describe("Vercel AI SDK (@ai-sdk/anthropic)", () => {
  for (const m of MODELS) {
    test(`${m}: streamText runs a tool loop and reports usage for both steps`, async () => {
      twoTurns({ call: { calls: [weather], usage: USAGE }, answer: { text: ["Sunny ", "in Paris"], usage: USAGE } });
      const anthropic = createAnthropic({ baseURL: `${ccmux.url}/v1`, apiKey: "k" });
      const result = streamText({
        model: anthropic(m),
        prompt: "weather in Paris?",
        tools: {
          get_weather: tool({
            description: "Weather for a city",
            inputSchema: jsonSchema<{ city: string }>({
              type: "object",
              properties: { city: { type: "string" } },
              required: ["city"],
            }),
            execute: async ({ city }) => `sunny in ${city}`,
          }),
        },
        stopWhen: ({ steps }) => steps.length >= 2,
      });
      expect(await result.text).toBe("Sunny in Paris");
      const usage = await result.totalUsage;
      expect(usage.inputTokens).toBe(2 * USAGE.input);
      expect(usage.outputTokens).toBe(2 * USAGE.output);
      const second = JSON.stringify(up.requests[1]!.json());
      expect(second).toContain("sunny in Paris");
    });
  }
});
