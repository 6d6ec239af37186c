// POST /v1/responses beyond the happy path: reasoning items (an Anthropic thinking signature
// travels in encrypted_content and comes back on the next turn), what ccmux refuses
// (previous_response_id, item_reference, non-function tools, bad fields) as 400s in OpenAI's
// shape, upstream errors before and during the stream.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { json, sse, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { readFixture } from "../helpers/sse.ts";
import { BACKUP_MESSAGE } from "../helpers/translated-upstreams.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let up: FakeUpstream;
let ccmux: InProcessServer;
let client: OpenAI;

beforeAll(async () => {
  up = await startFakeUpstream();
  ccmux = await startInProcess(
    testConfig({ providers: [provider("anth", up.url)], models: [model("claude", ["anth", "claude-opus-4-7"])] }),
  );
  client = new OpenAI({ baseURL: `${ccmux.url}/v1`, apiKey: "k", maxRetries: 0 });
});

afterAll(async () => {
  await ccmux.stop();
  await up.stop();
});

afterEach(() => up.clear());

const SIGNATURE = "EqQBCkYIBxgCKkCz3m0ckFakeSignatureForTestsOnlyq7Xb1mW9pL2xV0tR6nQ==";

describe("reasoning items", () => {
  test("thinking streams as a reasoning item (summary deltas, signature in encrypted_content) and replays as thinking", async () => {
    up.reply(sse(readFixture("anthropic/stream-thinking.sse")));
    const stream = client.responses.stream({
      model: "claude",
      input: "sum of the first 10 odd numbers?",
      reasoning: { effort: "low" },
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const final = await stream.finalResponse();
    expect(types.slice(2, 5)).toEqual([
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
    ]);
    expect(types).toContain("response.reasoning_summary_text.done");
    const reasoning = final.output[0];
    if (reasoning?.type !== "reasoning") throw new Error("no reasoning item first");
    expect(reasoning.encrypted_content).toBe(SIGNATURE);
    expect(reasoning.summary[0]?.text).toContain("n squared");
    expect(up.requests[0]!.json().thinking).toEqual({ type: "enabled", budget_tokens: 2048 });

    up.reply(json(BACKUP_MESSAGE));
    await client.responses.create({
      model: "claude",
      input: [
        { role: "user", content: "sum?" },
        {
          type: "reasoning",
          id: reasoning.id,
          summary: reasoning.summary,
          encrypted_content: reasoning.encrypted_content,
        },
        { role: "assistant", content: final.output_text },
        { role: "user", content: "and the first 20?" },
      ],
    });
    const replayed = up.requests[1]!.json().messages[1].content[0];
    expect(replayed).toEqual({ type: "thinking", thinking: reasoning.summary[0]!.text, signature: SIGNATURE });
  });
});

describe("refused with a 400 in OpenAI's shape, before any upstream call", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["previous_response_id", { input: "hi", previous_response_id: "resp_1" }, /ccmux stores no responses/],
    ["item_reference", { input: [{ type: "item_reference", id: "msg_1" }] }, /item_reference is not supported/],
    ["a web_search tool", { input: "hi", tools: [{ type: "web_search" }] }, /function tools only/],
    ["an unknown item type", { input: [{ type: "computer_call_output" }] }, /is not supported/],
    [
      "a stray function_call_output",
      { input: [{ type: "function_call_output", call_id: "c", output: "x" }] },
      /does not match/,
    ],
    [
      "bad arguments",
      { input: [{ type: "function_call", call_id: "c", name: "f", arguments: "{" }] },
      /not valid JSON/,
    ],
    ["a numeric instructions", { input: "hi", instructions: 7 }, /instructions/],
    ["max_output_tokens 0", { input: "hi", max_output_tokens: 0 }, /max_output_tokens/],
    ["an unknown effort", { input: "hi", reasoning: { effort: "huge" } }, /reasoning.effort must be one of/],
    ["input as a number", { input: 5 }, /input/],
  ];
  for (const [name, body, message] of cases) {
    test(name, async () => {
      const err = await client.responses.create({ model: "claude", ...body } as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      const api = err as InstanceType<typeof OpenAI.BadRequestError>;
      expect(api.error).toMatchObject({ type: "invalid_request_error" });
      expect(api.message).toMatch(message);
      expect(up.requests.length).toBe(0);
    });
  }

  test("a missing model", async () => {
    const res = await fetch(`${ccmux.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer k" },
      body: JSON.stringify({ input: "hi" }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({
      type: "invalid_request_error",
      message: expect.stringMatching(/model/),
    });
  });
});

describe("upstream errors", () => {
  test("a 429 before the answer is a RateLimitError with retry-after", async () => {
    up.reply(
      status(429, { type: "error", error: { type: "rate_limit_error", message: "slow down" } }, { "retry-after": "7" }),
    );
    const err = await client.responses.create({ model: "claude", input: "hi" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after")).toBe("7");
  });

  test("an error mid-stream ends with response.failed carrying its code and message", async () => {
    up.reply(sse(readFixture("anthropic/stream-error.sse")));
    const stream = client.responses.stream({ model: "claude", input: "hi" });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const last = events.at(-1);
    if (last?.type !== "response.failed") throw new Error(`last event is ${last?.type}`);
    expect(last.response.status).toBe("failed");
    expect(last.response.error?.message).toMatch(/overloaded|Overloaded/);
  });
});
