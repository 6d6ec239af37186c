import { describe, expect, test } from "bun:test";
import { translatedSse } from "../helpers/translated-sse.ts";
import { assembleFromStream } from "../../src/translate/anthropic/assemble.ts";
import type { ContentBlock } from "../../src/contracts/anthropic.ts";
import { toGeminiRequest } from "../../src/translate/gemini/request.ts";
import { geminiStreamTranslator, type GeminiStreamOptions } from "../../src/translate/gemini/stream.ts";
import { unparkSignature } from "../../src/translate/gemini/signature.ts";
import { PLACEHOLDER_SIGNATURE } from "../../src/translate/shared/thinking-signature.ts";
import { UpstreamError } from "../../src/util/errors.ts";
import { assembleAnthropicStream } from "../helpers/anthropic-grammar.ts";
import { parseAnthropicEvents, readFixture, readStream, splitAtRandom, streamOf } from "../helpers/sse.ts";

const encoder = new TextEncoder();

function counterIds(): () => string {
  let n = 0;
  return () => `id${n++}`;
}

async function run(chunks: Uint8Array[], opts: Partial<GeminiStreamOptions> = {}) {
  const translator = geminiStreamTranslator({ model: "gemini-2.5-pro", idFactory: counterIds(), ...opts });
  const text = await readStream(new Response(translatedSse(streamOf(chunks), translator)));
  return parseAnthropicEvents(text).map((e) => e.data);
}

const sse = (...chunks: unknown[]) => encoder.encode(chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`).join(""));

/** Cut points inside every CRLF pair and inside every multi-byte UTF-8 sequence. */
function awkwardSplits(bytes: Uint8Array): Uint8Array[] {
  const cuts: number[] = [];
  for (let i = 1; i < bytes.length; i++) {
    const insideCrlf = bytes[i - 1] === 0x0d && bytes[i] === 0x0a;
    const continuation = (bytes[i]! & 0xc0) === 0x80;
    if (insideCrlf || continuation) cuts.push(i);
  }
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    pieces.push(bytes.slice(start, cut));
    start = cut;
  }
  return pieces;
}

describe("gemini stream fixtures", () => {
  const multibyte = readFixture("gemini/stream-text.sse").replace("12 squared ", "12² — двенадцать 🙂 ");
  const cases: [string, string, Partial<GeminiStreamOptions>][] = [
    ["stream-text.sse", readFixture("gemini/stream-text.sse"), {}],
    ["code-assist-stream.sse", readFixture("gemini/code-assist-stream.sse"), { codeAssist: true }],
    ["stream-text.sse with multi-byte text", multibyte, {}],
  ];

  for (const [name, text, opts] of cases) {
    test(`${name}: whole stream follows the Anthropic grammar`, async () => {
      const events = await run([encoder.encode(text)], opts);
      const out = assembleAnthropicStream(events);
      expect(out.error).toBeUndefined();
      expect(out.content.map((b) => b.type)).toEqual(["thinking", "text"]);
      expect(out.content[0].thinking).toBe("**Checking the arithmetic**\n\nThe user wants 12 squared.");
      expect(out.content[0].signature).toBe(PLACEHOLDER_SIGNATURE);
      expect(out.content[1].text).toEndWith("is **144**.");
      expect(out.stopReason).toBe("end_turn");
      expect(out.usage).toMatchObject({ input_tokens: 9, output_tokens: 49, cache_read_input_tokens: 0 });
      expect(out.message).toMatchObject({ id: "msg_id0", model: "gemini-2.5-pro", role: "assistant", content: [] });
    });

    test(`${name}: identical events when split inside CRLF pairs, UTF-8 sequences and at 20+ random bytes`, async () => {
      const bytes = encoder.encode(text);
      const whole = await run([bytes], opts);
      expect(await run(awkwardSplits(bytes), opts)).toEqual(whole);
      for (let seed = 1; seed <= 12; seed++) {
        expect(await run(splitAtRandom(bytes, 20 + seed * 3, seed), opts)).toEqual(whole);
      }
      expect(await run(splitAtRandom(bytes, bytes.length, 99), opts)).toEqual(whole);
    });
  }
});

test("the grammar checker used here rejects what Claude Code rejects", () => {
  const start = { type: "message_start", message: { usage: {} } };
  const thinking = {
    type: "content_block_start",
    index: 0,
    content_block: { type: "thinking", thinking: "", signature: "" },
  };
  expect(() =>
    assembleAnthropicStream([
      start,
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "x" } },
    ]),
  ).toThrow("not open");
  expect(() => assembleAnthropicStream([start, thinking, { type: "content_block_stop", index: 0 }])).toThrow(
    "without signature_delta",
  );
  expect(() =>
    assembleAnthropicStream([
      start,
      thinking,
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "x" } },
    ]),
  ).toThrow("text_delta on a thinking");
  expect(() => assembleAnthropicStream([start, { type: "message_delta", delta: {} }])).toThrow("without message_stop");
});

describe("gemini stream translation", () => {
  const usage = { promptTokenCount: 100, cachedContentTokenCount: 40, candidatesTokenCount: 12, thoughtsTokenCount: 5 };
  const call = (name: string, args: object, thoughtSignature?: string) => ({
    functionCall: { name, args },
    ...(thoughtSignature ? { thoughtSignature } : {}),
  });
  const chunk = (parts: object[], extra: object = {}) => ({
    candidates: [{ content: { role: "model", parts }, index: 0, ...extra }],
    usageMetadata: usage,
  });

  test("functionCall parts become whole tool_use blocks, signatures parked in thinking blocks", async () => {
    const body = sse(
      chunk([{ text: "Reading." }]),
      chunk([call("Read", { file_path: "/a.ts" }, "SIG1"), call("Grep", { pattern: "x" })], { finishReason: "STOP" }),
    );
    const out = assembleAnthropicStream(await run([body], { signatureScope: "gem/2.5" }));
    expect(out.content.map((b) => b.type)).toEqual(["text", "thinking", "tool_use", "tool_use"]);
    expect(out.content[2]).toEqual({ type: "tool_use", id: "toolu_id1", name: "Read", input: { file_path: "/a.ts" } });
    expect(out.content[3]).toMatchObject({ id: "toolu_id2", name: "Grep", input: { pattern: "x" } });
    expect(unparkSignature(out.content[1].signature)).toEqual({
      kind: "call",
      scope: "gem/2.5",
      toolUseId: "toolu_id1",
      signature: "SIG1",
    });
    expect(out.content[1].thinking).toBe("");
    expect(out.stopReason).toBe("tool_use");
    expect(out.usage).toMatchObject({ input_tokens: 60, cache_read_input_tokens: 40, output_tokens: 17 });
  });

  test("streamed signatures round-trip: assembled message → next request replays them", async () => {
    const body = sse(
      chunk([{ text: "why", thought: true, thoughtSignature: "T" }]),
      chunk([call("Read", { file_path: "/a.ts" }, "SIG1")], { finishReason: "STOP" }),
    );
    const message = assembleFromStream(await run([body], { signatureScope: "s" }));
    const toolId = String(message.content.find((b) => b.type === "tool_use")!.id);
    const next = toGeminiRequest(
      {
        model: "claude-sonnet-4-6",
        messages: [
          { role: "user", content: "q" },
          { role: "assistant", content: message.content as ContentBlock[] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: toolId, content: "x" }] },
        ],
      },
      { model: "gemini-3-pro-preview", signatureScope: "s" },
    );
    expect(next.contents[1]!.parts).toEqual([
      { text: "why", thought: true, thoughtSignature: "T" },
      { functionCall: { name: "Read", args: { file_path: "/a.ts" } }, thoughtSignature: "SIG1" },
    ]);
    expect(next.contents[2]!.parts[0]!.functionResponse).toEqual({ name: "Read", response: { output: "x" } });
  });

  test("a signed thought part closes its thinking block with the parked signature", async () => {
    const body = sse(
      chunk([{ text: "hmm", thought: true }]),
      chunk([{ text: " more", thought: true, thoughtSignature: "T" }, { text: "ok" }], { finishReason: "STOP" }),
    );
    const out = assembleAnthropicStream(await run([body]));
    expect(out.content[0]).toMatchObject({ type: "thinking", thinking: "hmm more" });
    expect(unparkSignature(out.content[0].signature)).toMatchObject({ kind: "thought", signature: "T" });
    expect(out.content[1]).toEqual({ type: "text", text: "ok" });
  });

  test("a signature on a text part follows that text as a parked block", async () => {
    const body = sse(
      chunk([{ text: "Done." }]),
      chunk([{ text: "", thoughtSignature: "S" }], { finishReason: "STOP" }),
    );
    const out = assembleAnthropicStream(await run([body]));
    expect(out.content.map((b) => b.type)).toEqual(["text", "thinking"]);
    expect(unparkSignature(out.content[1].signature)).toMatchObject({ kind: "text", signature: "S" });
  });

  test("chunks that add nothing (usage only, an empty final text part) do not stall the pipeline", async () => {
    const body = sse(chunk([{ text: "a" }]), { usageMetadata: usage }, chunk([{ text: "" }], { finishReason: "STOP" }));
    const out = assembleAnthropicStream(await run([body]));
    expect(out.content).toEqual([{ type: "text", text: "a" }]);
    expect(out.stopReason).toBe("end_turn");
  });

  test("finish reasons map to stop reasons", async () => {
    for (const [reason, expected] of [
      ["MAX_TOKENS", "max_tokens"],
      ["SAFETY", "refusal"],
      ["OTHER", "end_turn"],
    ]) {
      const out = assembleAnthropicStream(await run([sse(chunk([{ text: "x" }], { finishReason: reason }))]));
      expect(out.stopReason).toBe(expected!);
    }
  });

  test("an error chunk mid-stream closes the open block and ends with an error event", async () => {
    const body = sse(
      chunk([{ text: "partial" }]),
      { error: { code: 429, message: "Quota exceeded", status: "RESOURCE_EXHAUSTED" } },
      chunk([{ text: "ignored" }]),
    );
    const out = assembleAnthropicStream(await run([body]));
    expect(out.content).toEqual([{ type: "text", text: "partial" }]);
    expect(out.error).toEqual({ type: "rate_limit_error", message: "Quota exceeded" });
  });

  test("an error as the very first chunk is a lone error event", async () => {
    const events = await run([
      sse({ error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } }),
    ]);
    expect(events).toEqual([
      { type: "error", error: { type: "overloaded_error", message: "The model is overloaded." } },
    ]);
  });

  test("a Code Assist error chunk is recognised too", async () => {
    const events = await run(
      [sse({ response: chunk([{ text: "a" }]) }, { error: { code: 500, message: "boom", status: "INTERNAL" } })],
      { codeAssist: true },
    );
    expect(assembleAnthropicStream(events).error).toEqual({ type: "api_error", message: "boom" });
  });

  test("a stream that ends without finishReason closes blocks and reports an error", async () => {
    const out = assembleAnthropicStream(await run([sse(chunk([{ text: "thinking", thought: true }]))]));
    expect(out.content[0].signature).toBe(PLACEHOLDER_SIGNATURE);
    expect(out.error?.type).toBe("api_error");
    expect(out.stopReason).toBeNull();
  });

  test("an empty body and a non-JSON chunk become error events", async () => {
    expect(assembleAnthropicStream(await run([])).error?.message).toContain("before sending any response");
    expect(assembleAnthropicStream(await run([encoder.encode("data: {oops\r\n\r\n")])).error?.message).toContain(
      "not JSON",
    );
  });

  test("a chunk that fails its schema (parts not a list) ends the stream with an error event naming the field", async () => {
    const bad = { candidates: [{ content: { parts: { text: "x" } } }] };
    const out = assembleAnthropicStream(await run([sse(chunk([{ text: "ok" }]), bad)]));
    expect(out.content).toEqual([{ type: "text", text: "ok" }]);
    expect(out.error).toEqual({ type: "api_error", message: expect.stringMatching(/malformed stream chunk.*parts/) });
  });

  test("MALFORMED_FUNCTION_CALL ends the stream with an error", async () => {
    const out = assembleAnthropicStream(
      await run([sse(chunk([], { finishReason: "MALFORMED_FUNCTION_CALL", finishMessage: "bad json" }))]),
    );
    expect(out.error).toEqual({ type: "api_error", message: "Gemini produced a malformed function call: bad json" });
  });

  test("a blocked prompt becomes a refusal with a note", async () => {
    const out = assembleAnthropicStream(
      await run([sse({ promptFeedback: { blockReason: "PROHIBITED_CONTENT" }, usageMetadata: usage })]),
    );
    expect(out.stopReason).toBe("refusal");
    expect(out.content[0].text).toContain("PROHIBITED_CONTENT");
  });

  test("fail() after a broken upstream body never throws and reports the error", () => {
    const t = geminiStreamTranslator({ model: "m", idFactory: counterIds() });
    const state = t.init();
    const started = t.step(state, { data: JSON.stringify(chunk([{ text: "a" }])) } as never);
    expect(started.map((e) => e.type)).toEqual(["message_start", "content_block_start", "content_block_delta"]);
    const failed = t.fail(state, new UpstreamError({ status: 504, message: "upstream idle" }));
    expect(failed).toEqual([
      { type: "content_block_stop", index: 0 },
      { type: "error", error: { type: "timeout_error", message: "upstream idle" } },
    ]);
    expect(t.finish(state)).toEqual([]);
    expect(t.fail(state, new Error("again"))).toEqual([]);
  });
});
