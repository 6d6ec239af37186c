import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { translatedSse } from "../helpers/translated-sse.ts";
import type { MessageResponse } from "../../src/contracts/anthropic.ts";
import { openAIErrorBody, toOpenAIError } from "../../src/translate/openai-chat/front-door/errors.ts";
import { fromOpenAIRequest } from "../../src/translate/openai-chat/front-door/request.ts";
import { toOpenAIResponse } from "../../src/translate/openai-chat/front-door/response.ts";
import { frontDoorSse } from "../helpers/translated-sse.ts";
import { anthropicToOpenAIStreamTranslator } from "../../src/translate/openai-chat/front-door/stream.ts";
import { toChatRequest } from "../../src/translate/openai-chat/request.ts";
import { fromChatResponse } from "../../src/translate/openai-chat/response.ts";
import { chatStreamTranslator } from "../../src/translate/openai-chat/stream.ts";
import { RequestError, UpstreamError } from "../../src/util/errors.ts";
import { parseSse, readFixture, readFixtureJson, readStream, splitAtRandom, streamOf } from "../helpers/sse.ts";

const encoder = new TextEncoder();
const CREATED = 1764196200;

const OPENAI_REQUEST = {
  model: "gpt-4.1",
  messages: [
    { role: "system", content: "Be terse." },
    { role: "developer", content: [{ type: "text", text: "Use tools." }] },
    {
      role: "user",
      content: [
        { type: "text", text: "What's in these?" },
        { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0" } },
        { type: "image_url", image_url: { url: "https://x.test/b.jpg" } },
      ],
    },
    {
      role: "assistant",
      content: null,
      tool_calls: [
        { id: "call_1", type: "function", function: { name: "Read", arguments: '{"path":"/a"}' } },
        { id: "call_2", type: "function", function: { name: "Ls", arguments: "" } },
      ],
    },
    { role: "tool", tool_call_id: "call_1", content: "file a" },
    { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "a b" }] },
    { role: "user", content: "thanks" },
  ],
  tools: [
    {
      type: "function",
      function: {
        name: "Read",
        description: "read a file",
        parameters: { type: "object", properties: { path: { type: "string" } } },
      },
    },
    { type: "function", function: { name: "Ls" } },
  ],
  tool_choice: "required",
  parallel_tool_calls: false,
  stop: "END",
  max_completion_tokens: 500,
  temperature: 0.3,
  stream: true,
};

describe("fromOpenAIRequest", () => {
  test("maps system, images, tool calls, tool results grouped into the next user turn, and the knobs", () => {
    expect(fromOpenAIRequest(OPENAI_REQUEST)).toEqual({
      model: "gpt-4.1",
      system: [
        { type: "text", text: "Be terse." },
        { type: "text", text: "Use tools." },
      ],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What's in these?" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0" } },
            { type: "image", source: { type: "url", url: "https://x.test/b.jpg" } },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "tool_use", id: "call_1", name: "Read", input: { path: "/a" } },
            { type: "tool_use", id: "call_2", name: "Ls", input: {} },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "call_1", content: "file a" },
            { type: "tool_result", tool_use_id: "call_2", content: "a b" },
            { type: "text", text: "thanks" },
          ],
        },
      ],
      max_tokens: 500,
      tools: [
        {
          name: "Read",
          description: "read a file",
          input_schema: { type: "object", properties: { path: { type: "string" } } },
        },
        { name: "Ls", input_schema: { type: "object", properties: {} } },
      ],
      tool_choice: { type: "any", disable_parallel_tool_use: true },
      stop_sequences: ["END"],
      stream: true,
      temperature: 0.3,
    });
  });

  test("round trip through toChatRequest gives back the same conversation (stop strings stay with ccmux)", () => {
    const chat = toChatRequest(fromOpenAIRequest(OPENAI_REQUEST), { model: "gpt-4.1", providerType: "openai" });
    const sent: unknown[] = OPENAI_REQUEST.messages;
    expect(chat.messages.slice(1) as unknown[]).toEqual([
      sent[2],
      {
        ...OPENAI_REQUEST.messages[3],
        tool_calls: [
          OPENAI_REQUEST.messages[3]!.tool_calls![0],
          { id: "call_2", type: "function", function: { name: "Ls", arguments: "{}" } },
        ],
      },
      sent[4],
      { role: "tool", tool_call_id: "call_2", content: "a b" },
      sent[6],
    ]);
    expect(chat.messages[0]).toEqual({ role: "system", content: "Be terse.\nUse tools." });
    expect(fromOpenAIRequest(OPENAI_REQUEST).stop_sequences).toEqual(["END"]);
    expect(chat.stop).toBeUndefined();
    expect(chat).toMatchObject({
      tool_choice: "required",
      parallel_tool_calls: false,
      max_tokens: 500,
      temperature: 0.3,
      stream: true,
    });
  });

  test("defaults and reasoning_effort → thinking", () => {
    const min = fromOpenAIRequest({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      max_tokens: 20000,
      temperature: 0.5,
      reasoning_effort: "medium",
      response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } },
    });
    expect(min).toEqual({
      model: "m",
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      max_tokens: 20000,
      thinking: { type: "enabled", budget_tokens: 8192 },
      output_config: { format: { type: "json_schema", schema: { type: "object" } } },
    });
    // No max_tokens: left for the proxy to fill with the target model's output limit.
    expect(fromOpenAIRequest({ model: "m", messages: [{ role: "user", content: "hi" }] }).max_tokens).toBeUndefined();
    expect(
      fromOpenAIRequest({ model: "m", messages: [{ role: "user", content: "hi" }], reasoning_effort: "high" }).thinking,
    ).toEqual({ type: "enabled", budget_tokens: 16384 });
    const format = (response_format: unknown) =>
      fromOpenAIRequest({ model: "m", messages: [{ role: "user", content: "hi" }], response_format }).output_config;
    expect(format({ type: "json_object" })).toEqual({ format: { type: "json_object" } });
    expect(format({ type: "json_schema", json_schema: { name: "x" } })).toEqual({ format: { type: "json_object" } });
    expect(format({ type: "text" })).toBeUndefined();
    expect(() => format({ type: "yaml" })).toThrow(/response_format.type must be/);
    expect(
      fromOpenAIRequest({ model: "m", messages: [{ role: "user", content: "hi" }], stop: ["a", "b"] }).stop_sequences,
    ).toEqual(["a", "b"]);
  });

  test("invalid shapes → RequestError 400 with a clear message", () => {
    const cases: [unknown, RegExp][] = [
      [null, /JSON object/],
      [{ messages: [{ role: "user", content: "x" }] }, /model/],
      [{ model: "m", messages: [] }, /non-empty array/],
      [{ model: "m", messages: [{ role: "system", content: "only system" }] }, /at least one user or assistant/],
      [{ model: "m", messages: [{ role: "function", content: "x" }] }, /role "function" is not supported/],
      [
        { model: "m", messages: [{ role: "tool", tool_call_id: "nope", content: "x" }] },
        /does not match any earlier assistant tool call/,
      ],
      [
        {
          model: "m",
          messages: [{ role: "assistant", tool_calls: [{ id: "c", function: { name: "f", arguments: "{bad" } }] }],
        },
        /not valid JSON/,
      ],
      [
        { model: "m", messages: [{ role: "user", content: [{ type: "input_audio", input_audio: {} }] }] },
        /input_audio/,
      ],
      [
        { model: "m", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x" } }] }] },
        /data: URL or an http/,
      ],
      [{ model: "m", messages: [{ role: "user", content: "x" }], max_tokens: -1 }, /positive integer/],
      [{ model: "m", messages: [{ role: "user", content: "x" }], stop: 5 }, /stop must be/],
      [{ model: "m", messages: [{ role: "user", content: "x" }], tools: [{ type: "retrieval" }] }, /tools\[0\]/],
      [{ model: "m", messages: [{ role: "user", content: "x" }], tool_choice: "sometimes" }, /tool_choice/],
      [{ model: "m", messages: [{ role: "user", content: "x" }], reasoning_effort: "extreme" }, /reasoning_effort/],
      [{ model: "m", messages: [{ role: "user", content: "x" }], n: 2 }, /n other than 1/],
    ];
    for (const [body, pattern] of cases) {
      const expected = {
        name: "RequestError",
        status: 400,
        type: "invalid_request_error",
        message: expect.stringMatching(pattern),
      };
      expect(() => fromOpenAIRequest(body)).toThrow(expect.objectContaining(expected));
    }
  });
});

describe("toOpenAIResponse", () => {
  test("Anthropic tool-use message → chat.completion with tool_calls, finish_reason and usage", () => {
    const msg = readFixtureJson<MessageResponse>("anthropic/response-tool-use.json");
    const out = toOpenAIResponse(msg, { model: "gpt-4.1", created: CREATED }) as any;
    const tool = msg.content.find((b) => b.type === "tool_use")!;
    expect(out).toMatchObject({
      object: "chat.completion",
      created: CREATED,
      model: "gpt-4.1",
      id: `chatcmpl-${msg.id.slice(4)}`,
    });
    expect(out.choices[0].finish_reason).toBe("tool_calls");
    expect(out.choices[0].message.tool_calls).toEqual([
      { id: tool.id, type: "function", function: { name: tool.name, arguments: JSON.stringify(tool.input) } },
    ]);
    const u = msg.usage;
    const prompt = u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0);
    expect(out.usage).toEqual({
      prompt_tokens: prompt,
      completion_tokens: u.output_tokens,
      total_tokens: prompt + u.output_tokens,
      prompt_tokens_details: { cached_tokens: u.cache_read_input_tokens },
    });
  });

  test("OpenAI response → Anthropic → OpenAI keeps tool calls, finish_reason and usage", () => {
    const original = readFixtureJson<any>("openai/response-tool-calls.json");
    const back = toOpenAIResponse(fromChatResponse(original, { model: "gpt-4.1", idFactory: () => "X" }), {
      model: "gpt-4.1",
      created: CREATED,
    }) as any;
    expect(back.choices[0].message.tool_calls).toEqual(
      original.choices[0].message.tool_calls.map((c: any) => ({
        ...c,
        function: { ...c.function, arguments: JSON.stringify(JSON.parse(c.function.arguments)) },
      })),
    );
    expect(back.choices[0].finish_reason).toBe("tool_calls");
    expect(back.choices[0].message.content).toBeNull();
    expect(back.usage).toMatchObject({
      prompt_tokens: 1893,
      completion_tokens: 58,
      total_tokens: 1951,
      prompt_tokens_details: { cached_tokens: 1536 },
    });
  });
});

async function toOpenAIChunks(anthropicSse: string, split = 1, seed = 1): Promise<string> {
  const bytes = encoder.encode(anthropicSse);
  const body = frontDoorSse(
    streamOf(splitAtRandom(bytes, split, seed)),
    anthropicToOpenAIStreamTranslator({ model: "gpt-4.1", created: CREATED }),
  );
  return readStream(new Response(body));
}

/** Feeds an OpenAI SSE body to the official openai SDK through an injected fetch, as an SDK user would see it. */
async function sdkFinal(sse: string) {
  const client = new OpenAI({
    apiKey: "k",
    baseURL: "http://front.door/v1",
    fetch: async () => new Response(sse, { headers: { "content-type": "text/event-stream" } }),
  });
  const stream = client.chat.completions.stream({
    model: "gpt-4.1",
    messages: [{ role: "user", content: "x" }],
    stream_options: { include_usage: true },
  });
  return stream.finalChatCompletion();
}

describe("anthropicToOpenAIStreamTranslator", () => {
  test("stream-tool-use.sse → text and tool_call deltas, finish chunk, usage chunk, [DONE]; the openai SDK assembles it", async () => {
    const sse = await toOpenAIChunks(readFixture("anthropic/stream-tool-use.sse"));
    const datas = parseSse(sse).map((e) => e.data);
    expect(datas.at(-1)).toBe("[DONE]");
    const usageChunk = JSON.parse(datas.at(-2)!);
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toMatchObject({ prompt_tokens: 3786, completion_tokens: 61 });
    expect(JSON.parse(datas.at(-3)!).choices[0].finish_reason).toBe("tool_calls");
    const final = await sdkFinal(sse);
    expect(final.choices[0]!.message.content).toBe("I'll check which files import the old logger.");
    expect(final.choices[0]!.message.tool_calls).toEqual([
      {
        id: "toolu_01GrepZx9Cv8Bn7Mm6Ll5Kk4",
        type: "function",
        function: {
          name: "Grep",
          arguments: '{"pattern": "from \'./legacy-log\'", "output_mode": "files_with_matches"}',
        },
      },
    ] as any);
    for (let seed = 1; seed <= 20; seed++)
      expect(await toOpenAIChunks(readFixture("anthropic/stream-tool-use.sse"), 2 + seed, seed)).toBe(sse);
  });

  test("thinking becomes reasoning_content deltas; text arrives as content", async () => {
    const sse = await toOpenAIChunks(readFixture("anthropic/stream-thinking.sse"));
    const reasoning = parseSse(sse)
      .map((e) => (e.data === "[DONE]" ? undefined : JSON.parse(e.data).choices[0]?.delta?.reasoning_content))
      .filter(Boolean)
      .join("");
    expect(reasoning).toBe(
      "The user wants the sum of the first 10 odd numbers. That is n squared with n = 10, so 100.",
    );
    const final = await sdkFinal(sse);
    expect(final.choices[0]!.message.content).toBe("The sum of the first 10 odd numbers is **100** (it is always n²).");
    expect(final.choices[0]!.finish_reason).toBe("stop");
  });

  test("an Anthropic error event becomes an OpenAI error chunk the SDK throws on", async () => {
    const sse = await toOpenAIChunks(readFixture("anthropic/stream-error.sse"));
    expect(sse).toContain('"error":{"message":"Overloaded","type":"overloaded_error"');
    await expect(sdkFinal(sse)).rejects.toThrow(/Overloaded/);
  });

  test("an Anthropic stream cut before message_stop ends with an error chunk", async () => {
    const text = readFixture("anthropic/stream-text.sse");
    const sse = await toOpenAIChunks(text.slice(0, text.indexOf("event: message_delta")));
    expect(parseSse(sse).at(-2)!.data).toContain("ended before message_stop");
  });

  test("an event that fails its schema is an error chunk naming the field; unknown event types are skipped", async () => {
    const text = readFixture("anthropic/stream-text.sse");
    const cut = text.indexOf("event: content_block_start");
    const extra =
      'event: future_event\ndata: {"type":"future_event"}\n\nevent: content_block_delta\ndata: {"type":"content_block_delta","delta":{"type":"text_delta","text":"x"}}\n\n';
    const lines = parseSse(await toOpenAIChunks(text.slice(0, cut) + extra + text.slice(cut)));
    expect(lines.at(-2)!.data).toMatch(/malformed stream event.*index/);
    expect(lines.at(-1)!.data).toBe("[DONE]");
    expect(lines.filter((l) => l.data.includes("future_event"))).toHaveLength(0);
  });

  test("OpenAI stream → Anthropic events → OpenAI chunks: the SDK sees the same parallel tool calls", async () => {
    const upstream = readFixture("openai/stream-tool-calls.sse");
    const anthropic = translatedSse(streamOf([encoder.encode(upstream)]), chatStreamTranslator({ model: "gpt-4.1" }));
    const back = frontDoorSse(anthropic, anthropicToOpenAIStreamTranslator({ model: "gpt-4.1", created: CREATED }));
    const [direct, roundTrip] = await Promise.all([sdkFinal(upstream), sdkFinal(await readStream(new Response(back)))]);
    expect(roundTrip.choices[0]!.message.tool_calls).toEqual(direct.choices[0]!.message.tool_calls);
    expect(roundTrip.choices[0]!.finish_reason).toBe("tool_calls");
    expect(roundTrip.usage).toMatchObject({ prompt_tokens: 1893, completion_tokens: 58 });
  });
});

describe("OpenAI-shaped errors", () => {
  test("openAIErrorBody and toOpenAIError", () => {
    expect(openAIErrorBody(400, "bad")).toEqual({
      error: { message: "bad", type: "invalid_request_error", param: null, code: null },
    });
    const err = toOpenAIError(
      new UpstreamError({ status: 429, message: "slow down", headers: { "retry-after": "3" } }),
    );
    expect(err).toEqual({
      status: 429,
      body: { error: { message: "slow down", type: "rate_limit_error", param: null, code: null } },
      headers: { "retry-after": "3" },
    });
    expect(toOpenAIError(new RequestError("nope")).status).toBe(400);
  });
});
