import { describe, expect, test } from "bun:test";
import { fromGeminiResponse } from "../../src/translate/gemini/response.ts";
import { toGeminiRequest } from "../../src/translate/gemini/request.ts";
import { unparkSignature } from "../../src/translate/gemini/signature.ts";
import type { MessagesRequest } from "../../src/contracts/anthropic.ts";
import { TranslateError, UpstreamError } from "../../src/util/errors.ts";
import { readFixtureJson } from "../helpers/sse.ts";

function counterIds(): () => string {
  let n = 0;
  return () => `id${n++}`;
}

const fixture = readFixtureJson("gemini/response-function-call.json");
const signature = "CiQB0e2Kb3FixtureOnlyThoughtSignatureZm9vYmFyYmF6cXV4cXV1eA==";

describe("fromGeminiResponse", () => {
  test("response-function-call.json → text + two tool_use blocks with parsed input", () => {
    const msg = fromGeminiResponse(fixture, { model: "gemini-2.5-pro", idFactory: counterIds() });
    expect(msg.id).toBe("msg_id2");
    expect(msg.stop_reason).toBe("tool_use");
    const visible = msg.content.filter((b) => b.type !== "thinking");
    expect(visible).toEqual([
      { type: "text", text: "I'll read the config file first." },
      { type: "tool_use", id: "toolu_id0", name: "Read", input: { file_path: "/repo/tsconfig.json" } },
      { type: "tool_use", id: "toolu_id1", name: "Grep", input: { pattern: "target", path: "/repo" } },
    ]);
    expect(msg.usage).toEqual({
      input_tokens: 869,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 1024,
      output_tokens: 120,
    });
  });

  test("the first call's thoughtSignature is parked in an empty thinking block naming its tool_use id", () => {
    const msg = fromGeminiResponse(fixture, { model: "m", idFactory: counterIds(), signatureScope: "gemini-2.5-pro" });
    const thinking = msg.content.filter((b) => b.type === "thinking");
    expect(thinking).toHaveLength(1);
    expect(thinking[0]!.thinking).toBe("");
    expect(unparkSignature(thinking[0]!.signature)).toEqual({
      kind: "call",
      scope: "gemini-2.5-pro",
      toolUseId: "toolu_id0",
      signature,
    });
    expect(msg.content.indexOf(thinking[0]!)).toBe(1);
  });

  test("thoughtSignature round trip: response → Anthropic history → next request replays it on the functionCall", () => {
    const msg = fromGeminiResponse(fixture, {
      model: "claude-sonnet-4-6",
      idFactory: counterIds(),
      signatureScope: "g",
    });
    const toolUses = msg.content.filter((b) => b.type === "tool_use");
    // Claude Code echoes thinking blocks verbatim and rebuilds tool_use blocks as {type,id,name,input}.
    const history = msg.content.map((b) =>
      b.type === "tool_use" ? { type: b.type, id: b.id, name: b.name, input: b.input } : b,
    );
    const next: MessagesRequest = {
      model: "claude-sonnet-4-6",
      max_tokens: 1000,
      messages: [
        { role: "user", content: "Why does the build target ES2019?" },
        { role: "assistant", content: history },
        {
          role: "user",
          content: toolUses.map((t) => ({ type: "tool_result", tool_use_id: String(t.id), content: "ok" })),
        },
      ],
    };
    const req = toGeminiRequest(next, { model: "gemini-2.5-pro", signatureScope: "g" });
    const model = req.contents[1]!;
    expect(model.role).toBe("model");
    expect(model.parts).toEqual([
      { text: "I'll read the config file first." },
      { functionCall: { name: "Read", args: { file_path: "/repo/tsconfig.json" } }, thoughtSignature: signature },
      { functionCall: { name: "Grep", args: { pattern: "target", path: "/repo" } } },
    ]);
    expect(req.contents[2]!.parts.map((p) => p.functionResponse?.name)).toEqual(["Read", "Grep"]);
    // Another upstream must not receive the signature.
    const elsewhere = toGeminiRequest(next, { model: "gemini-2.5-pro", signatureScope: "other" });
    expect(elsewhere.contents[1]!.parts[1]!.thoughtSignature).toBeUndefined();
  });

  test("thought parts become thinking blocks; adjacent text parts merge", () => {
    const body = {
      candidates: [
        {
          content: {
            role: "model",
            parts: [{ text: "plan", thought: true }, { text: " more", thought: true }, { text: "A" }, { text: "B" }],
          },
          finishReason: "STOP",
        },
      ],
    };
    const msg = fromGeminiResponse(body, { model: "m", idFactory: counterIds() });
    expect(msg.content).toEqual([
      { type: "thinking", thinking: "plan more", signature: "ccmux-unsigned-thinking-v1" },
      { type: "text", text: "AB" },
    ]);
    expect(msg.stop_reason).toBe("end_turn");
  });

  test("finish reasons", () => {
    const reply = (finishReason: string) => ({ candidates: [{ content: { parts: [{ text: "x" }] }, finishReason }] });
    const stop = (r: string) => fromGeminiResponse(reply(r), { model: "m" }).stop_reason;
    expect(stop("STOP")).toBe("end_turn");
    expect(stop("MAX_TOKENS")).toBe("max_tokens");
    for (const r of ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"])
      expect(stop(r)).toBe("refusal");
    expect(stop("OTHER")).toBe("end_turn");
    expect(() => stop("MALFORMED_FUNCTION_CALL")).toThrow(UpstreamError);
  });

  test("the Code Assist wrapper is unwrapped", () => {
    const wrapped = { response: fixture, traceId: "abc" };
    const msg = fromGeminiResponse(wrapped, { model: "m", idFactory: counterIds() });
    expect(msg.stop_reason).toBe("tool_use");
    expect(msg.content).toEqual(fromGeminiResponse(fixture, { model: "m", idFactory: counterIds() }).content);
  });

  test("no candidates: a blocked prompt is a refusal, anything else a typed error", () => {
    const blocked = fromGeminiResponse(
      { promptFeedback: { blockReason: "SAFETY" }, usageMetadata: { promptTokenCount: 7 } },
      { model: "m" },
    );
    expect(blocked.stop_reason).toBe("refusal");
    expect(blocked.content[0]).toMatchObject({ type: "text" });
    expect(blocked.usage.input_tokens).toBe(7);
    expect(() => fromGeminiResponse({ candidates: [] }, { model: "m" })).toThrow(TranslateError);
    expect(() => fromGeminiResponse("nope", { model: "m" })).toThrow(
      expect.objectContaining({ name: "UpstreamError", status: 502, retryable: true }),
    );
    // A part whose functionCall has no name fails the schema: a typed upstream error naming the path.
    const nameless = { candidates: [{ content: { parts: [{ functionCall: { args: {} } }] } }] };
    expect(() => fromGeminiResponse(nameless, { model: "m" })).toThrow(
      expect.objectContaining({ name: "UpstreamError", status: 502, message: expect.stringContaining("functionCall") }),
    );
  });

  test("an error body inside a 200 becomes an UpstreamError", () => {
    const err = (() => {
      try {
        fromGeminiResponse(
          { error: { code: 429, message: "slow down", status: "RESOURCE_EXHAUSTED" } },
          { model: "m" },
        );
      } catch (e) {
        return e;
      }
    })() as UpstreamError;
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.status).toBe(429);
    expect(err.type).toBe("rate_limit_error");
  });
});
