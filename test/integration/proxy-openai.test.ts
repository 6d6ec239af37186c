import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { json, resetMidStream, sse, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { readFixture, readFixtureJson } from "../helpers/sse.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let up: FakeUpstream;
let backup: FakeUpstream;
let ccmux: InProcessServer;
let client: Anthropic;

beforeAll(async () => {
  up = await startFakeUpstream();
  backup = await startFakeUpstream();
  const config = testConfig({
    providers: [
      provider("oai", `${up.url}/v1`, { provider_type: "openai-compatible", api_key: "oai-key" }),
      provider("ds", `${up.url}/v1`, { provider_type: "deepseek", api_key: "ds-key" }),
      provider("backup", `${backup.url}/v1`, { provider_type: "openai-compatible", api_key: "b-key" }),
    ],
    models: [model("glm", ["oai", "glm-4.6"], ["backup", "glm-backup"]), model("ds", ["ds", "deepseek-chat"])],
    router: { default: "glm", long_context_threshold: 1_000_000 },
  });
  ccmux = await startInProcess(config);
  client = new Anthropic({ baseURL: ccmux.url, apiKey: "k", maxRetries: 0 });
});

afterAll(async () => {
  await ccmux.stop();
  await up.stop();
  await backup.stop();
});

afterEach(() => {
  up.clear();
  backup.clear();
});

const ask = (extra: Record<string, unknown> = {}) => ({
  model: "claude-sonnet-4-6",
  max_tokens: 200,
  messages: [{ role: "user" as const, content: "hi" }],
  ...extra,
});

describe("OpenAI-compatible upstream", () => {
  test("non-streaming tool calls come back as tool_use blocks", async () => {
    up.reply(json(readFixtureJson("openai/response-tool-calls.json")));
    const msg = await client.messages.create(ask());
    expect(msg.id).toMatch(/^msg_/);
    expect(msg.stop_reason).toBe("tool_use");
    const tools = msg.content.filter((b) => b.type === "tool_use");
    expect(tools.length).toBe(2);
    for (const t of tools) expect(typeof t.input).toBe("object");
    const sent = up.requests[0]!;
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.headers.authorization).toBe("Bearer oai-key");
    expect(sent.json().model).toBe("glm-4.6");
  });

  test("streamed parallel tool calls: the SDK's finalMessage assembles each input", async () => {
    up.reply(sse(readFixture("openai/stream-tool-calls.sse").match(/[\s\S]{1,13}/g)!));
    const final = await client.messages.stream(ask()).finalMessage();
    const tools = final.content.filter((b) => b.type === "tool_use");
    expect(tools.length).toBe(2);
    expect(final.stop_reason).toBe("tool_use");
    const body = up.requests[0]!.json();
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
  });

  test("reasoning becomes a thinking block", async () => {
    up.reply(sse(readFixture("openai/stream-reasoning.sse")));
    const final = await client.messages.stream({ ...ask(), model: "ds" }).finalMessage();
    expect(final.content[0]!.type).toBe("thinking");
    expect(final.content.some((b) => b.type === "text")).toBe(true);
  });

  test("a tool_result round trip reaches the upstream as a tool message right after the call", async () => {
    up.reply(json(readFixtureJson("openai/response-tool-calls.json")));
    const first = await client.messages.create(ask());
    const call = first.content.find((b) => b.type === "tool_use")!;
    up.reply(sse(readFixture("openai/stream-text.sse")));
    const second = await client.messages
      .stream(
        ask({
          messages: [
            { role: "user", content: "hi" },
            { role: "assistant", content: first.content },
            {
              role: "user",
              content: [
                ...first.content
                  .filter((b) => b.type === "tool_use")
                  .map((b) => ({
                    type: "tool_result" as const,
                    tool_use_id: (b as { id: string }).id,
                    content: "result",
                  })),
                { type: "text" as const, text: "and now?" },
              ],
            },
          ],
        }),
      )
      .finalMessage();
    expect(second.stop_reason).toBe("end_turn");
    const msgs = up.requests[1]!.json().messages as { role: string; tool_call_id?: string }[];
    const roles = msgs.map((m) => m.role);
    expect(roles.slice(-4)).toEqual(["assistant", "tool", "tool", "user"]);
    expect(msgs.find((m) => m.role === "tool")!.tool_call_id).toBe((call as { id: string }).id);
  });

  test("an upstream 503 before the first byte fails over; a 400 does not", async () => {
    up.reply(status(503, { error: { message: "busy", type: "server_error" } }));
    backup.reply(sse(readFixture("openai/stream-text.sse")));
    const { response } = await client.messages.stream(ask()).withResponse();
    expect(response.headers.get("x-ccmux-provider")).toBe("backup");
    up.reply(status(400, readFixture("openai/error-context-length.json")));
    const err = await client.messages.create(ask()).catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.error.error.type).toBe("invalid_request_error");
    expect(err.error.error.message).toMatch(/prompt is too long[^0-9]*(\d+)\s*tokens?\s*>\s*(\d+)/i);
  });

  test("an upstream failure after the first byte becomes an error event", async () => {
    const text = readFixture("openai/stream-text.sse");
    up.reply(resetMidStream([text.slice(0, 300)], { delayMs: 30 }));
    const stream = client.messages.stream(ask());
    const err = await stream.finalMessage().catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
  });

  test("images to a text-only model are a clear 400", async () => {
    const err = await client.messages
      .create({
        ...ask(),
        model: "ds",
        messages: [
          {
            role: "user",
            content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } }],
          },
        ],
      })
      .catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.error.error.type).toBe("invalid_request_error");
    expect(up.requests.length).toBe(0);
  });

  test("a tool_result whose tool_use_id matches nothing is a clear 400, nothing sent upstream", async () => {
    const err = await client.messages
      .create({
        ...ask(),
        messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_nowhere", content: "x" }] }],
      })
      .catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.error.error.type).toBe("invalid_request_error");
    expect(err.error.error.message).toContain("toolu_nowhere");
    expect(up.requests.length).toBe(0);
  });

  test("empty messages is a clear 400, nothing sent upstream", async () => {
    const err = await client.messages.create({ ...ask(), messages: [] }).catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.error.error.type).toBe("invalid_request_error");
    expect(err.error.error.message).toMatch(/messages/);
    expect(up.requests.length).toBe(0);
  });

  test("a Claude Code request streams through as valid Anthropic events", async () => {
    up.reply(sse(readFixture("openai/stream-tool-calls.sse")));
    const cc = readFixtureJson("anthropic/request-claude-code.json");
    const final = await client.messages.stream({ ...cc, model: "claude-sonnet-4-6" }).finalMessage();
    expect(final.content.filter((b) => b.type === "tool_use").length).toBe(2);
    const sent = up.requests[0]!.json();
    expect(JSON.stringify(sent)).not.toContain("cache_control");
    expect(JSON.stringify(sent)).not.toContain("x-anthropic-billing-header");
    expect(sent.tools.length).toBe(cc.tools.length);
  });
});
