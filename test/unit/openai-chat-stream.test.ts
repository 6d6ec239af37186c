import { describe, expect, test } from "bun:test";
import { translatedSse } from "../helpers/translated-sse.ts";
import { chatStreamTranslator } from "../../src/translate/openai-chat/stream.ts";
import { PLACEHOLDER_SIGNATURE } from "../../src/translate/shared/thinking-signature.ts";
import { UpstreamError } from "../../src/util/errors.ts";
import { assembleAnthropicStream } from "../helpers/anthropic-grammar.ts";
import {
  type AnthropicEvent,
  parseAnthropicEvents,
  readFixture,
  readStream,
  splitAtRandom,
  streamOf,
} from "../helpers/sse.ts";

const encoder = new TextEncoder();
const MODEL = "claude-sonnet-4-6";

function counterIds(): () => string {
  let n = 0;
  return () => `T${++n}`;
}

async function translate(chunks: Uint8Array[]): Promise<AnthropicEvent[]> {
  const body = translatedSse(streamOf(chunks), chatStreamTranslator({ model: MODEL, idFactory: counterIds() }));
  return parseAnthropicEvents(await readStream(new Response(body)));
}

const translateText = (text: string) => translate([encoder.encode(text)]);
const assemble = (events: AnthropicEvent[]) => assembleAnthropicStream(events.map((e) => e.data));

/** A Chat Completions SSE body from chunk payloads (`data:` lines only, as OpenAI sends them). */
function chatSse(chunks: (Record<string, unknown> | string)[]): string {
  return chunks.map((c) => `data: ${typeof c === "string" ? c : JSON.stringify(c)}\n\n`).join("");
}
const delta = (d: Record<string, unknown>, finish: string | null = null) => ({
  choices: [{ index: 0, delta: d, finish_reason: finish }],
});

/** "héllo wörld 🚀" spread over chunks, so byte splits land inside 2- and 4-byte characters. */
const UTF8_STREAM = chatSse([
  delta({ role: "assistant", content: "" }),
  delta({ content: "héllo " }),
  delta({ content: "wörld " }),
  delta({ content: "🚀" }),
  delta({}, "stop"),
  { choices: [], usage: { prompt_tokens: 12, completion_tokens: 4 } },
  "[DONE]",
]);

const FIXTURES = [
  "stream-text.sse",
  "stream-tool-calls.sse",
  "stream-reasoning.sse",
  "stream-reasoning-openrouter.sse",
];

describe("chatStreamTranslator: fixtures replayed whole and split", () => {
  const bodies: [string, string][] = [
    ...FIXTURES.map((f) => [f, readFixture(`openai/${f}`)] as [string, string]),
    ["utf8 (inline)", UTF8_STREAM],
  ];
  for (const [name, text] of bodies) {
    test(`${name}: 24 seeded random splits give the same events as the whole body`, async () => {
      const bytes = encoder.encode(text);
      const whole = await translate([bytes]);
      assemble(whole);
      for (let seed = 1; seed <= 24; seed++)
        expect(await translate(splitAtRandom(bytes, 2 + (seed % 30), seed))).toEqual(whole);
    });
  }

  test("splits inside every multi-byte character of héllo wörld 🚀 decode intact", async () => {
    const bytes = encoder.encode(UTF8_STREAM);
    const whole = await translate([bytes]);
    expect(assemble(whole).content).toEqual([{ type: "text", text: "héllo wörld 🚀" }]);
    for (const ch of ["é", "ö", "🚀"]) {
      const at = Buffer.from(bytes).indexOf(Buffer.from(ch, "utf8"));
      for (let k = 1; k < encoder.encode(ch).length; k++)
        expect(await translate([bytes.slice(0, at + k), bytes.slice(at + k)])).toEqual(whole);
    }
    expect(await translate(splitAtRandom(bytes, bytes.length, 3))).toEqual(whole);
  });
});

describe("chatStreamTranslator: event sequences", () => {
  test("stream-text.sse → exact events, trailing usage chunk reaches message_delta", async () => {
    const events = await translateText(readFixture("openai/stream-text.sse"));
    expect(events.map((e) => e.event)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(events[0]!.data.message).toMatchObject({
      id: "msg_T1",
      model: MODEL,
      role: "assistant",
      content: [],
      stop_reason: null,
    });
    expect(events[1]!.data).toEqual({
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    });
    expect(events[6]!.data).toEqual({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { input_tokens: 156, cache_creation_input_tokens: 0, cache_read_input_tokens: 256, output_tokens: 19 },
    });
    expect(assemble(events).content).toEqual([
      {
        type: "text",
        text: "The build fails because `tsconfig.json` targets ES2019 but the code uses top-level await.",
      },
    ]);
  });

  test("stream-tool-calls.sse → two tool_use blocks whose input_json_delta join to the arguments", async () => {
    const events = await translateText(readFixture("openai/stream-tool-calls.sse"));
    const out = assemble(events);
    expect(out.stopReason).toBe("tool_use");
    expect(out.content).toEqual([
      {
        type: "tool_use",
        id: "call_Qz8mKp2vLx4nRt6wYb0cJd1e",
        name: "Read",
        input: { file_path: "/repo/src/index.ts" },
      },
      {
        type: "tool_use",
        id: "call_Hn3tGf5sDa7qWe9rTy1uIo2p",
        name: "Grep",
        input: { pattern: "TODO", path: "/repo/src" },
      },
    ]);
    const jsonFor = (index: number) =>
      events
        .filter((e) => e.event === "content_block_delta" && e.data.index === index)
        .map((e) => e.data.delta.partial_json)
        .join("");
    expect(JSON.parse(jsonFor(1))).toEqual({ pattern: "TODO", path: "/repo/src" });
    expect(events.filter((e) => e.event === "content_block_delta").length).toBe(5);
    expect(out.usage).toMatchObject({ input_tokens: 357, cache_read_input_tokens: 1536, output_tokens: 58 });
  });

  test("stream-reasoning.sse (DeepSeek) → thinking closed by a placeholder signature_delta, then text; usage on the finish chunk", async () => {
    const events = await translateText(readFixture("openai/stream-reasoning.sse"));
    const out = assemble(events);
    expect(out.content).toEqual([
      {
        type: "thinking",
        thinking: "The user asks for 17 * 23. 17*20 = 340, 17*3 = 51, total 391.",
        signature: PLACEHOLDER_SIGNATURE,
      },
      { type: "text", text: "17 × 23 = **391**" },
    ]);
    const sig = events.findIndex((e) => e.data.delta?.type === "signature_delta");
    expect(events[sig + 1]!.data).toEqual({ type: "content_block_stop", index: 0 });
    expect(out.usage).toMatchObject({ input_tokens: 18, output_tokens: 46 });
  });

  test("stream-reasoning-openrouter.sse → delta.reasoning becomes thinking; comment lines ignored", async () => {
    const out = assemble(await translateText(readFixture("openai/stream-reasoning-openrouter.sse")));
    expect(out.content).toEqual([
      { type: "thinking", thinking: "Need the capital of Australia: Canberra.", signature: PLACEHOLDER_SIGNATURE },
      { type: "text", text: "The capital of Australia is Canberra." },
    ]);
    expect(out.stopReason).toBe("end_turn");
    expect(out.usage).toMatchObject({ input_tokens: 21, output_tokens: 30 });
  });
});

describe("chatStreamTranslator: tool-call variants", () => {
  const call = (index: number | undefined, fn: Record<string, unknown>, id?: string) => ({
    ...(index === undefined ? {} : { index }),
    ...(id ? { id } : {}),
    function: fn,
  });

  test("a first fragment without id/name still works once the name arrives", async () => {
    const events = await translateText(
      chatSse([
        delta({ tool_calls: [call(0, { arguments: '{"a":' })] }),
        delta({ tool_calls: [call(0, { name: "Glob", arguments: "1}" })] }),
        delta({}, "tool_calls"),
        "[DONE]",
      ]),
    );
    expect(assemble(events).content).toEqual([{ type: "tool_use", id: "toolu_T2", name: "Glob", input: { a: 1 } }]);
  });

  test("interleaved parallel fragments stay apart, blocks stay sequential", async () => {
    const events = await translateText(
      chatSse([
        delta({ content: "Checking." }),
        delta({ tool_calls: [call(0, { name: "Read", arguments: '{"p":' }, "c0")] }),
        delta({ tool_calls: [call(1, { name: "Grep", arguments: '{"q":' }, "c1")] }),
        delta({ tool_calls: [call(1, { arguments: '"x"}' })] }),
        delta({ tool_calls: [call(0, { arguments: '"y"}' })] }),
        delta({}, "tool_calls"),
        "[DONE]",
      ]),
    );
    expect(assemble(events).content).toEqual([
      { type: "text", text: "Checking." },
      { type: "tool_use", id: "c0", name: "Read", input: { p: "y" } },
      { type: "tool_use", id: "c1", name: "Grep", input: { q: "x" } },
    ]);
  });

  test("calls without index (whole call per chunk) are keyed by id or arrival", async () => {
    const events = await translateText(
      chatSse([
        delta({
          tool_calls: [
            { id: "", function: { name: "A", arguments: "{}" } },
            { function: { name: "B", arguments: '{"k":2}' } },
          ],
        }),
        delta({}, "stop"),
        "[DONE]",
      ]),
    );
    const out = assemble(events);
    expect(out.content.map((b: any) => [b.name, b.input])).toEqual([
      ["A", {}],
      ["B", { k: 2 }],
    ]);
    expect(out.stopReason).toBe("tool_use");
  });

  test("a tool call that never gets a name ends in an error event", async () => {
    const events = await translateText(
      chatSse([delta({ tool_calls: [call(0, { arguments: "{}" })] }), delta({}, "tool_calls"), "[DONE]"]),
    );
    expect(assemble(events).error?.message).toMatch(/without a function name/);
  });
});

describe("chatStreamTranslator: endings and failures", () => {
  test("no finish_reason before the body ends → blocks closed, error event, no message_stop", async () => {
    const events = await translateText(chatSse([delta({ content: "partial" })]));
    const out = assemble(events);
    expect(out.error).toEqual({ type: "api_error", message: "upstream stream ended without a finish_reason" });
    expect(events.map((e) => e.event)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "error",
    ]);
  });

  test("[DONE] without a finish_reason is an error too", async () => {
    const events = await translateText(chatSse([delta({ content: "x" }), "[DONE]"]));
    expect(events.at(-1)!.event).toBe("error");
    expect(events.some((e) => e.event === "message_stop")).toBe(false);
  });

  test("finish without [DONE] still ends with message_delta + message_stop", async () => {
    const events = await translateText(chatSse([delta({ content: "ok" }, "length")]));
    expect(assemble(events).stopReason).toBe("max_tokens");
  });

  test("an upstream error chunk mid-stream → error event with the mapped type", async () => {
    const events = await translateText(
      chatSse([
        delta({ content: "Hel" }),
        { error: { code: 429, message: "Rate limit exceeded upstream" } },
        delta({ content: "ignored" }, "stop"),
      ]),
    );
    expect(assemble(events).error).toEqual({ type: "rate_limit_error", message: "Rate limit exceeded upstream" });
    expect(events.filter((e) => e.event === "error")).toHaveLength(1);
  });

  test("a malformed JSON chunk → error event, never a throw", async () => {
    const events = await translateText(
      `${chatSse([delta({ content: "a" })])}data: {"choices": [\n\n${chatSse([delta({}, "stop"), "[DONE]"])}`,
    );
    expect(assemble(events).error?.message).toMatch(/malformed stream chunk/);
  });

  test("a chunk that fails its schema (tool_calls not a list) → error event naming the field, text so far kept", async () => {
    const events = await translateText(
      chatSse([delta({ content: "a" }), { choices: [{ index: 0, delta: { tool_calls: { id: "x" } } }] }, "[DONE]"]),
    );
    const out = assemble(events);
    expect(out.content).toEqual([{ type: "text", text: "a" }]);
    expect(out.error).toEqual({
      type: "api_error",
      message: expect.stringMatching(/malformed stream chunk.*tool_calls/),
    });
    expect(events.filter((e) => e.event === "message_stop")).toHaveLength(0);
  });

  test("an error before any content is just an error event", async () => {
    const events = await translateText(
      chatSse([
        { error: { message: "This model's maximum context length is 8192 tokens, however you requested 9000 tokens" } },
      ]),
    );
    expect(events.map((e) => e.data)).toEqual([
      {
        type: "error",
        error: { type: "invalid_request_error", message: "prompt is too long: 9000 tokens > 8192 maximum" },
      },
    ]);
  });

  test("fail(state, err) closes the open thinking block with its signature and reports the error", () => {
    const t = chatStreamTranslator({ model: MODEL, idFactory: counterIds() });
    const state = t.init();
    t.step(state, { data: JSON.stringify(delta({ reasoning_content: "hmm" })), event: undefined, id: undefined });
    const events = t.fail(state, new UpstreamError({ status: 504, message: "idle timeout" }));
    expect(events).toEqual([
      { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: PLACEHOLDER_SIGNATURE } },
      { type: "content_block_stop", index: 0 },
      { type: "error", error: { type: "timeout_error", message: "upstream stream failed: idle timeout" } },
    ]);
    expect(t.finish(state)).toEqual([]);
  });

  test("content_filter → refusal; refusal text becomes a text block", async () => {
    const out = assemble(
      await translateText(
        chatSse([delta({ refusal: "I can't help with that." }), delta({}, "content_filter"), "[DONE]"]),
      ),
    );
    expect(out.stopReason).toBe("refusal");
    expect(out.content).toEqual([{ type: "text", text: "I can't help with that." }]);
  });
});
