import { describe, expect, test } from "bun:test";
import { translatedSse } from "../helpers/translated-sse.ts";
import { assembleFromStream } from "../../src/translate/anthropic/assemble.ts";
import { REASONING_SIGNATURE_PREFIX } from "../../src/translate/responses/opaque-state.ts";
import { responsesStreamTranslator } from "../../src/translate/responses/stream.ts";
import { PLACEHOLDER_SIGNATURE } from "../../src/translate/shared/thinking-signature.ts";
import {
  type AnthropicEvent,
  parseAnthropicEvents,
  readFixture,
  readStream,
  splitAtRandom,
  streamOf,
} from "../helpers/sse.ts";

const MODEL = "gpt-5.1-codex";
const ENCRYPTED = "gAAAAABpFixtureOnlyEncryptedReasoningBlobZm9vYmFyYmF6cXV4cXV1eA==";
const encoder = new TextEncoder();

function counterIds(): () => string {
  let n = 0;
  return () => `T${++n}`;
}

async function translate(chunks: Uint8Array[]): Promise<AnthropicEvent[]> {
  const translator = responsesStreamTranslator({ model: MODEL, idFactory: counterIds() });
  const body = translatedSse(streamOf(chunks), translator);
  return parseAnthropicEvents(await readStream(new Response(body)));
}

/** Raw Responses SSE from event payloads, one `event:` line each. */
function sse(events: Record<string, unknown>[]): string {
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}

/**
 * Anthropic grammar: message_start, then blocks started in index order and each stopped before the
 * next starts, deltas only inside their open block and of a type that block accepts, then either
 * exactly one message_delta + message_stop, or an error event last.
 */
function expectGrammar(events: AnthropicEvent[], end: "stop" | "error"): void {
  expect(events[0]?.event).toBe("message_start");
  const allowed: Record<string, string[]> = {
    text: ["text_delta"],
    thinking: ["thinking_delta", "signature_delta"],
    tool_use: ["input_json_delta"],
  };
  let open: { index: number; type: string } | undefined;
  let next = 0;
  for (const [i, { event, data }] of events.entries()) {
    if (i === 0) continue;
    if (event === "content_block_start") {
      expect(open).toBeUndefined();
      expect(data.index).toBe(next++);
      open = { index: data.index, type: data.content_block.type };
    } else if (event === "content_block_delta") {
      expect(data.index).toBe(open?.index);
      expect(allowed[open!.type]).toContain(data.delta.type);
    } else if (event === "content_block_stop") {
      expect(data.index).toBe(open?.index);
      open = undefined;
    } else if (event === "message_delta") {
      expect(open).toBeUndefined();
      expect(events.slice(i + 1).map((e) => e.event)).toEqual(["message_stop"]);
      return expect(end).toBe("stop");
    } else if (event === "error") {
      expect(open).toBeUndefined();
      expect(i).toBe(events.length - 1);
      return expect(end).toBe("error");
    } else {
      throw new Error(`unexpected event ${event} at #${i}`);
    }
  }
  throw new Error("stream ended without message_delta or error");
}

const TEXT_AND_TOOL = readFixture("responses/stream-text-and-tool.sse");
/** The same stream with multi-byte UTF-8 in a text delta, so splits can land inside a character. */
const UTF8_TEXT_AND_TOOL = TEXT_AND_TOOL.replace(
  '"delta":"the project layout first."',
  '"delta":"the projéct layout — 日本語 first ✓."',
);

const EXPECTED_TEXT_AND_TOOL = [
  {
    event: "message_start",
    data: {
      type: "message_start",
      message: {
        id: "msg_T1",
        type: "message",
        role: "assistant",
        model: MODEL,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
      },
    },
  },
  {
    event: "content_block_start",
    data: { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } },
  },
  {
    event: "content_block_delta",
    data: {
      type: "content_block_delta",
      index: 0,
      delta: { type: "thinking_delta", thinking: "**Inspecting the repo**\n\n" },
    },
  },
  {
    event: "content_block_delta",
    data: {
      type: "content_block_delta",
      index: 0,
      delta: { type: "thinking_delta", thinking: "I should list the files before editing anything." },
    },
  },
  {
    event: "content_block_delta",
    data: {
      type: "content_block_delta",
      index: 0,
      delta: { type: "signature_delta", signature: REASONING_SIGNATURE_PREFIX + ENCRYPTED },
    },
  },
  { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
  {
    event: "content_block_start",
    data: { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
  },
  {
    event: "content_block_delta",
    data: { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "Let me look at " } },
  },
  {
    event: "content_block_delta",
    data: { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "the project layout first." } },
  },
  { event: "content_block_stop", data: { type: "content_block_stop", index: 1 } },
  {
    event: "content_block_start",
    data: {
      type: "content_block_start",
      index: 2,
      content_block: { type: "tool_use", id: "call_Vb7nM2qW4eR6tY8uI0oP1aS3", name: "shell", input: {} },
    },
  },
  {
    event: "content_block_delta",
    data: {
      type: "content_block_delta",
      index: 2,
      delta: { type: "input_json_delta", partial_json: '{"command":["ls",' },
    },
  },
  {
    event: "content_block_delta",
    data: {
      type: "content_block_delta",
      index: 2,
      delta: { type: "input_json_delta", partial_json: '"-la"],"workdir":"/repo"}' },
    },
  },
  { event: "content_block_stop", data: { type: "content_block_stop", index: 2 } },
  {
    event: "message_delta",
    data: {
      type: "message_delta",
      delta: { stop_reason: "tool_use", stop_sequence: null },
      usage: { input_tokens: 366, cache_creation_input_tokens: 0, cache_read_input_tokens: 4864, output_tokens: 142 },
    },
  },
  { event: "message_stop", data: { type: "message_stop" } },
];

describe("responsesStreamTranslator on stream-text-and-tool.sse", () => {
  test("whole body → the exact Anthropic event sequence", async () => {
    expect(await translate([encoder.encode(TEXT_AND_TOOL)])).toEqual(EXPECTED_TEXT_AND_TOOL);
  });

  test("grammar holds and the tool arguments assemble to the call's JSON", async () => {
    const events = await translate([encoder.encode(TEXT_AND_TOOL)]);
    expectGrammar(events, "stop");
    const json = events
      .filter((e) => e.event === "content_block_delta" && e.data.delta.type === "input_json_delta")
      .map((e) => e.data.delta.partial_json)
      .join("");
    expect(JSON.parse(json)).toEqual({ command: ["ls", "-la"], workdir: "/repo" });
  });

  test("24 seeded random splits give identical events", async () => {
    const bytes = encoder.encode(TEXT_AND_TOOL);
    for (let seed = 1; seed <= 24; seed++) {
      const parts = 2 + (seed % 40);
      expect(await translate(splitAtRandom(bytes, parts, seed))).toEqual(EXPECTED_TEXT_AND_TOOL);
    }
  });

  test("splits inside multi-byte UTF-8 characters give identical events", async () => {
    const bytes = encoder.encode(UTF8_TEXT_AND_TOOL);
    const whole = await translate([bytes]);
    expect(whole.find((e) => e.data.delta?.text?.includes("日本語"))?.data.delta.text).toBe(
      "the projéct layout — 日本語 first ✓.",
    );
    const at = Buffer.from(bytes).indexOf(Buffer.from("日", "utf8"));
    for (const cut of [at + 1, at + 2, at + 4])
      expect(await translate([bytes.slice(0, cut), bytes.slice(cut)])).toEqual(whole);
    for (let seed = 100; seed < 120; seed++) expect(await translate(splitAtRandom(bytes, 60, seed))).toEqual(whole);
  });

  test("a one-byte-per-chunk drip gives identical events", async () => {
    const bytes = encoder.encode(UTF8_TEXT_AND_TOOL);
    expect(await translate(splitAtRandom(bytes, bytes.length, 7))).toEqual(await translate([bytes]));
  });

  test("assembled into a non-streaming message", async () => {
    const message = assembleFromStream((await translate([encoder.encode(TEXT_AND_TOOL)])).map((e) => e.data));
    expect(message).toEqual({
      id: "msg_T1",
      type: "message",
      role: "assistant",
      model: MODEL,
      content: [
        {
          type: "thinking",
          thinking: "**Inspecting the repo**\n\nI should list the files before editing anything.",
          signature: REASONING_SIGNATURE_PREFIX + ENCRYPTED,
        },
        { type: "text", text: "Let me look at the project layout first." },
        {
          type: "tool_use",
          id: "call_Vb7nM2qW4eR6tY8uI0oP1aS3",
          name: "shell",
          input: { command: ["ls", "-la"], workdir: "/repo" },
        },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 366, cache_creation_input_tokens: 0, cache_read_input_tokens: 4864, output_tokens: 142 },
    });
  });
});

describe("responsesStreamTranslator on stream-failed.sse", () => {
  const FAILED = readFixture("responses/stream-failed.sse");
  const expected = [
    "message_start",
    {
      type: "error",
      error: {
        type: "rate_limit_error",
        message: "Rate limit reached for gpt-5.1-codex. Please try again in 11.054s.",
      },
    },
  ];

  test("response.failed → an Anthropic error event with the mapped type, whole and split", async () => {
    const whole = await translate([encoder.encode(FAILED)]);
    expect([whole[0]!.event, whole[1]!.data]).toEqual(expected);
    expect(whole).toHaveLength(2);
    expectGrammar(whole, "error");
    for (let seed = 1; seed <= 20; seed++)
      expect(await translate(splitAtRandom(encoder.encode(FAILED), 2 + seed, seed))).toEqual(whole);
  });

  test("assembling it throws an UpstreamError with the same type", async () => {
    const events = (await translate([encoder.encode(FAILED)])).map((e) => e.data);
    expect(() => assembleFromStream(events)).toThrow(
      expect.objectContaining({ name: "UpstreamError", type: "rate_limit_error", status: 429 }),
    );
  });
});

describe("responsesStreamTranslator edge cases", () => {
  const created = { type: "response.created", response: { id: "resp_1", status: "in_progress", output: [] } };
  const completed = (extra: Record<string, unknown> = {}) => ({
    type: "response.completed",
    response: {
      id: "resp_1",
      status: "completed",
      output: [],
      usage: { input_tokens: 10, output_tokens: 5 },
      ...extra,
    },
  });
  const run = async (events: Record<string, unknown>[], tail = "") => translate([encoder.encode(sse(events) + tail)]);

  test("a stream that ends before response.completed closes the open block and reports an error", async () => {
    const cut = TEXT_AND_TOOL.indexOf("event: response.output_text.done");
    const events = await translate([encoder.encode(TEXT_AND_TOOL.slice(0, cut))]);
    expectGrammar(events, "error");
    expect(events.at(-2)).toEqual({ event: "content_block_stop", data: { type: "content_block_stop", index: 1 } });
    expect(events.at(-1)!.data.error).toEqual({
      type: "api_error",
      message: "The Responses stream closed before response.completed",
    });
  });

  test("an empty body still yields a single error event", async () => {
    const events = await run([]);
    expect(events.map((e) => e.event)).toEqual(["error"]);
  });

  test("several summary parts of one reasoning item share one thinking block", async () => {
    const events = await run([
      created,
      { type: "response.output_item.added", output_index: 0, item: { type: "reasoning", id: "rs_1", summary: [] } },
      { type: "response.reasoning_summary_part.added", output_index: 0, summary_index: 0 },
      { type: "response.reasoning_summary_text.delta", output_index: 0, summary_index: 0, delta: "First." },
      { type: "response.reasoning_summary_part.added", output_index: 0, summary_index: 1 },
      { type: "response.reasoning_summary_text.delta", output_index: 0, summary_index: 1, delta: "Second" },
      { type: "response.reasoning_summary_text.delta", output_index: 0, summary_index: 1, delta: " part." },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "ENC" },
      },
      completed(),
    ]);
    expectGrammar(events, "stop");
    const message = assembleFromStream(events.map((e) => e.data));
    expect(message.content).toEqual([
      { type: "thinking", thinking: "First.\n\nSecond part.", signature: `${REASONING_SIGNATURE_PREFIX}ENC` },
    ]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage).toMatchObject({ input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0 });
  });

  test("reasoning without summary deltas: text from the done item; nothing at all when empty", async () => {
    const events = await run([
      created,
      { type: "response.output_item.added", output_index: 0, item: { type: "reasoning", id: "rs_1", summary: [] } },
      { type: "response.output_item.done", output_index: 0, item: { type: "reasoning", id: "rs_1", summary: [] } },
      { type: "response.output_item.added", output_index: 1, item: { type: "reasoning", id: "rs_2", summary: [] } },
      {
        type: "response.output_item.done",
        output_index: 1,
        item: { type: "reasoning", summary: [{ type: "summary_text", text: "Quiet." }] },
      },
      {
        type: "response.output_item.added",
        output_index: 2,
        item: { type: "message", role: "assistant", content: [] },
      },
      {
        type: "response.output_item.done",
        output_index: 2,
        item: { type: "message", content: [{ type: "output_text", text: "Hi" }] },
      },
      completed(),
    ]);
    expectGrammar(events, "stop");
    expect(assembleFromStream(events.map((e) => e.data)).content).toEqual([
      { type: "thinking", thinking: "Quiet.", signature: PLACEHOLDER_SIGNATURE },
      { type: "text", text: "Hi" },
    ]);
  });

  test("function call arguments that only arrive on output_item.done are still sent", async () => {
    const call = { type: "function_call", id: "fc_1", call_id: "call_1", name: "Read", arguments: "" };
    const events = await run([
      created,
      { type: "response.output_item.added", output_index: 0, item: call },
      { type: "response.output_item.done", output_index: 0, item: { ...call, arguments: '{"file_path":"/a"}' } },
      { type: "response.output_item.done", output_index: 1, item: { ...call, call_id: "call.odd:2", arguments: "" } },
      completed(),
    ]);
    expectGrammar(events, "stop");
    const message = assembleFromStream(events.map((e) => e.data));
    expect(message.content).toEqual([
      { type: "tool_use", id: "call_1", name: "Read", input: { file_path: "/a" } },
      { type: "tool_use", id: expect.stringMatching(/^[a-zA-Z0-9_-]+$/), name: "Read", input: {} },
    ]);
    expect(message.stop_reason).toBe("tool_use");
  });

  test("response.incomplete for max_output_tokens → max_tokens", async () => {
    const events = await run([
      created,
      { type: "response.output_text.delta", output_index: 0, content_index: 0, delta: "partial" },
      {
        type: "response.incomplete",
        response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, output: [] },
      },
    ]);
    expectGrammar(events, "stop");
    expect(events.find((e) => e.event === "message_delta")!.data.delta.stop_reason).toBe("max_tokens");
  });

  test("an `error` event maps its code; garbage and unknown events are ignored", async () => {
    const events = await run(
      [
        created,
        { type: "response.web_search_call.searching", output_index: 0 },
        { type: "error", code: "server_is_overloaded", message: "busy" },
      ],
      "event: response.output_text.delta\ndata: {not json\n\ndata: [DONE]\n\n",
    );
    expect(events.map((e) => e.event)).toEqual(["message_start", "error"]);
    expect(events[1]!.data.error).toEqual({ type: "overloaded_error", message: "busy" });
  });

  test("context_length_exceeded gets the wording Claude Code compacts on", async () => {
    const error = { code: "context_length_exceeded", message: "Your input exceeds the context window of this model." };
    const events = await run([created, { type: "response.failed", response: { status: "failed", error, output: [] } }]);
    expect(events[1]!.data.error.type).toBe("invalid_request_error");
    expect(events[1]!.data.error.message).toMatch(/^prompt is too long: \d+ tokens > \d+ maximum$/);
  });

  test("an upstream body that breaks mid-stream → closed block + error event; nothing after the end", async () => {
    const translator = responsesStreamTranslator({ model: MODEL, idFactory: counterIds() });
    const state = translator.init();
    const step = (e: Record<string, unknown>) =>
      translator.step(state, { event: String(e.type), data: JSON.stringify(e), id: undefined });
    step(created);
    step({ type: "response.output_text.delta", output_index: 0, delta: "x" });
    const failed = translator.fail(state, new Error("socket hang up"));
    expect(failed).toEqual([
      { type: "content_block_stop", index: 0 },
      { type: "error", error: { type: "api_error", message: "The Responses stream broke: socket hang up" } },
    ]);
    expect(translator.finish(state)).toEqual([]);
    expect(step(completed())).toEqual([]);
  });
});
