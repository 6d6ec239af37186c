import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import type { ProviderConfig } from "../../src/config/types.ts";
import { CODEX_INSTRUCTIONS } from "../../src/translate/responses/request.ts";
import { json, sse, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { readFixture, splitAtRandom, splitSseEvents } from "../helpers/sse.ts";
import {
  BACKUP_MESSAGE,
  completedResponse,
  countingSource,
  fakeJwt,
  PNG_BASE64,
  responsesEvent,
  SHELL_TOOL,
  sseRecords,
} from "../helpers/translated-upstreams.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const STREAM = readFixture("responses/stream-text-and-tool.sse");
const FAILED = readFixture("responses/stream-failed.sse");
const CALL_ID = "call_Vb7nM2qW4eR6tY8uI0oP1aS3";
const SESSION = "7d1e4c2a-9b3f-4e6d-8a5c-1f2e3d4c5b6a";
const USER_ID = JSON.stringify({ device_id: "dev", account_uuid: "", session_id: SESSION });
const ACCESS = fakeJwt({ "https://api.openai.com/auth": { chatgpt_account_id: "acct_from_claims" } });
const REFRESHED = fakeJwt({ "https://api.openai.com/auth": { chatgpt_account_id: "acct_refreshed" } });

/** The fixture up to the message's text deltas, then a failure: content reached the client first. */
const FAILS_MIDWAY =
  sseRecords(
    STREAM,
    (d) =>
      !/function_call|output_text\.done|content_part\.done|output_item\.done|completed/.test(d.type) ||
      d.item?.type === "reasoning",
  ) +
  responsesEvent({
    type: "response.failed",
    response: { status: "failed", error: { code: "server_is_overloaded", message: "The server is overloaded" } },
  });

let codexUp: FakeUpstream;
let publicUp: FakeUpstream;
let backupUp: FakeUpstream;
let ccmux: InProcessServer;
let client: Anthropic;
let codexCreds = countingSource([{ accessToken: ACCESS }, { accessToken: REFRESHED }]);

function codexProvider(): ProviderConfig {
  return {
    ...provider("codex", "https://unused.invalid"),
    provider_type: "openai",
    auth_type: "oauth",
    oauth_provider: "chatgpt",
    api_key: undefined,
    base_url: undefined,
  };
}

beforeAll(async () => {
  codexUp = await startFakeUpstream();
  publicUp = await startFakeUpstream();
  backupUp = await startFakeUpstream();
  // A failure can cool its provider down, so each failover test gets a Codex provider of its own.
  const quota = ["q1", "q2", "q3"].map((q) => ({ ...codexProvider(), name: `codex-${q}` }));
  const config = testConfig({
    providers: [
      codexProvider(),
      ...quota,
      provider("public", `${publicUp.url}/v1`, { provider_type: "openai-responses", api_key: "sk-public" }),
      provider("backup", backupUp.url),
    ],
    models: [
      model("codex", ["codex", "gpt-5.1-codex"]),
      model("codex-or-backup", ["codex", "gpt-5.1-codex"], ["backup", "backup-model"]),
      model("q1-or-backup", ["codex-q1", "gpt-5.1-codex"], ["backup", "backup-model"]),
      model("q2-or-backup", ["codex-q2", "gpt-5.1-codex"], ["backup", "backup-model"]),
      model("q3", ["codex-q3", "gpt-5.1-codex"]),
      model("public", ["public", "gpt-5.1"]),
    ],
  });
  ccmux = await startInProcess(config, {
    env: { CCMUX_CODEX_BASE_URL: `${codexUp.url}/backend-api/codex` },
    dynamicCredentials: (p) =>
      p.auth_type === "oauth" ? { get: () => codexCreds.get(), refresh: () => codexCreds.refresh() } : undefined,
  });
  client = new Anthropic({ baseURL: ccmux.url, apiKey: "client-key", maxRetries: 0 });
});

afterAll(async () => {
  await ccmux.stop();
  await Promise.all([codexUp.stop(), publicUp.stop(), backupUp.stop()]);
});

afterEach(() => {
  codexUp.clear();
  publicUp.clear();
  backupUp.clear();
  codexCreds = countingSource([{ accessToken: ACCESS }, { accessToken: REFRESHED }]);
});

const firstTurn = (modelName: string) => ({
  model: modelName,
  max_tokens: 2048,
  system: [{ type: "text" as const, text: "You are a careful assistant. Repo rules: never force-push." }],
  tools: [SHELL_TOOL],
  thinking: { type: "enabled" as const, budget_tokens: 8000 },
  metadata: { user_id: USER_ID },
  messages: [
    {
      role: "user" as const,
      content: [
        { type: "text" as const, text: "List the files in /repo. Here is a screenshot." },
        {
          type: "image" as const,
          source: { type: "base64" as const, media_type: "image/png" as const, data: PNG_BASE64 },
        },
      ],
    },
  ],
});

describe("Codex (ChatGPT OAuth) through the Anthropic SDK", () => {
  test("streamed turn: thinking, text and tool_use arrive; the Codex headers, instructions and system prompt go out", async () => {
    codexUp.reply(sse(splitAtRandom(new TextEncoder().encode(STREAM), 60, 11)));
    const final = await client.messages.stream(firstTurn("codex")).finalMessage();

    expect(final.content.map((b) => b.type)).toEqual(["thinking", "text", "tool_use"]);
    expect(final.content[0]).toMatchObject({ type: "thinking", thinking: expect.stringContaining("list the files") });
    expect(final.content[2]).toMatchObject({
      type: "tool_use",
      id: CALL_ID,
      name: "shell",
      input: { command: ["ls", "-la"], workdir: "/repo" },
    });
    expect(final.stop_reason).toBe("tool_use");
    expect(final.usage.cache_read_input_tokens).toBeGreaterThan(0);

    const [req] = codexUp.requests;
    expect(req!.path).toBe("/backend-api/codex/responses");
    expect(req!.headers.authorization).toBe(`Bearer ${ACCESS}`);
    expect(req!.headers["chatgpt-account-id"]).toBe("acct_from_claims");
    expect(req!.headers["openai-beta"]).toBe("responses=experimental");
    expect(req!.headers.originator).toBe("codex_cli_rs");
    // Codex's own user agent shape: codex_cli_rs/<version> (<os> <os version>; <arch>) <terminal>
    expect(req!.headers["user-agent"]).toMatch(/^codex_cli_rs\/\d+\.\d+\.\d+ \(\S.* \S+; \S+\) \S+$/);
    expect(req!.headers.session_id).toBe(SESSION);
    expect(req!.headers.accept).toBe("text/event-stream");
    const body = req!.json();
    expect(body).toMatchObject({
      model: "gpt-5.1-codex",
      instructions: CODEX_INSTRUCTIONS,
      store: false,
      stream: true,
      prompt_cache_key: SESSION,
    });
    expect(body.input[0]).toEqual({
      type: "message",
      role: "developer",
      content: [{ type: "input_text", text: "You are a careful assistant. Repo rules: never force-push." }],
    });
    expect(body.input[1].content).toContainEqual({
      type: "input_image",
      image_url: `data:image/png;base64,${PNG_BASE64}`,
      detail: "auto",
    });
    expect(body.tools[0]).toMatchObject({ type: "function", name: "shell" });
    expect(body.reasoning).toEqual({ effort: "medium", summary: "auto" });
    expect(body.max_output_tokens).toBeUndefined();
  });

  test("tool round trip: the tool_result goes back as function_call_output with the same call id", async () => {
    codexUp.reply(sse(STREAM));
    const first = await client.messages.stream(firstTurn("codex")).finalMessage();
    const toolUse = first.content.find((b) => b.type === "tool_use")!;
    codexUp.reply(sse(STREAM));
    const turn = firstTurn("codex");
    await client.messages
      .stream({
        ...turn,
        messages: [
          ...turn.messages,
          { role: "assistant", content: first.content },
          { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "README.md\nsrc" }] },
        ],
      })
      .finalMessage();
    const input = codexUp.requests[1]!.json().input as any[];
    const call = input.find((i) => i.type === "function_call");
    const output = input.find((i) => i.type === "function_call_output");
    expect(call).toMatchObject({
      call_id: CALL_ID,
      name: "shell",
      arguments: JSON.stringify({ command: ["ls", "-la"], workdir: "/repo" }),
    });
    expect(output).toEqual({ type: "function_call_output", call_id: CALL_ID, output: "README.md\nsrc" });
    expect(input.some((i) => i.type === "reasoning" && typeof i.encrypted_content === "string")).toBe(true);
  });

  test("tool names and call ids over 64 characters are shortened upstream and restored for the client", async () => {
    const longName = `mcp__plugin_enterprise-knowledge-base__${"search_".repeat(6)}documents`;
    const longId = `toolu_${"z".repeat(80)}`;
    const upstreamName = (sent: string) =>
      STREAM.replaceAll('"name":"shell"', `"name":"${sent}"`).replaceAll('"name":"shell"', `"name":"${sent}"`);
    const turn = firstTurn("codex");
    const tools = [{ ...SHELL_TOOL, name: longName }];
    const history = [
      ...turn.messages,
      { role: "assistant" as const, content: [{ type: "tool_use" as const, id: longId, name: longName, input: {} }] },
      { role: "user" as const, content: [{ type: "tool_result" as const, tool_use_id: longId, content: "ok" }] },
    ];
    codexUp.setDefault((req) => {
      const sentName = req.json().tools[0].name as string;
      return sse(upstreamName(sentName));
    });
    const final = await client.messages.stream({ ...turn, tools, messages: history }).finalMessage();
    codexUp.setDefault(status(404));
    const body = codexUp.requests[0]!.json();
    const sentName = body.tools[0].name as string;
    expect(longName.length).toBeGreaterThan(64);
    expect(sentName.length).toBeLessThanOrEqual(64);
    const input = body.input as any[];
    const call = input.find((i) => i.type === "function_call");
    const output = input.find((i) => i.type === "function_call_output");
    expect(call.name).toBe(sentName);
    expect(call.call_id.length).toBeLessThanOrEqual(64);
    expect(output.call_id).toBe(call.call_id);
    expect(final.content.find((b) => b.type === "tool_use")).toMatchObject({ name: longName });
    const msg = await (async () => {
      codexUp.reply((req) => sse(upstreamName(req.json().tools[0].name)));
      return client.messages.create({ ...turn, tools, messages: history, stream: false });
    })();
    expect(msg.content.find((b) => b.type === "tool_use")).toMatchObject({ name: longName });
  });

  test("a model the ChatGPT plan excludes is a clear 400 naming it, with no failover", async () => {
    const detail = "The 'gpt-5.1-codex' model is not supported when using Codex with a ChatGPT account.";
    codexUp.reply(status(400, { detail }));
    const err = await client.messages
      .create({ ...firstTurn("codex-or-backup"), stream: false })
      .catch((e: unknown) => e as InstanceType<typeof Anthropic.APIError>);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as any).error.error.type).toBe("invalid_request_error");
    expect((err as any).error.error.message).toContain('"gpt-5.1-codex"');
    expect(codexUp.requests).toHaveLength(1);
    expect(backupUp.requests).toHaveLength(0);
  });

  test("non-streaming client: the stream-only endpoint's answer is assembled into one message", async () => {
    codexUp.reply(sse(STREAM));
    const { model: _m, ...turn } = firstTurn("codex");
    const msg = await client.messages.create({ ...turn, model: "codex" });
    expect(msg.content.map((b) => b.type)).toEqual(["thinking", "text", "tool_use"]);
    expect(msg.stop_reason).toBe("tool_use");
    expect(codexUp.requests[0]!.json().stream).toBe(true);
  });

  test("session_id is random per request when Claude Code sent no session", async () => {
    codexUp.reply(sse(STREAM));
    codexUp.reply(sse(STREAM));
    const bare = { model: "codex", max_tokens: 100, messages: [{ role: "user" as const, content: "hi" }] };
    await client.messages.create(bare);
    await client.messages.create(bare);
    const [a, b] = codexUp.requests.map((r) => r.headers.session_id);
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });

  test("the token store's account_id wins over the token claims", async () => {
    codexCreds = countingSource([{ accessToken: ACCESS, accountId: "acct_from_store" }]);
    codexUp.reply(sse(STREAM));
    await client.messages.create({ model: "codex", max_tokens: 100, messages: [{ role: "user", content: "hi" }] });
    expect(codexUp.requests[0]!.headers["chatgpt-account-id"]).toBe("acct_from_store");
  });

  test("a 401 refreshes the token once and retries", async () => {
    codexUp.reply(status(401, { error: { message: "token expired", code: "token_expired" } }));
    codexUp.reply(sse(STREAM));
    const msg = await client.messages.create({
      model: "codex",
      max_tokens: 100,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(msg.stop_reason).toBe("tool_use");
    expect(codexCreds.refreshes).toBe(1);
    expect(codexUp.requests[1]!.headers.authorization).toBe(`Bearer ${REFRESHED}`);
    expect(codexUp.requests[1]!.headers["chatgpt-account-id"]).toBe("acct_refreshed");
  });

  test("usage_limit_reached before the first byte fails over to the next provider", async () => {
    codexUp.reply(
      status(404, {
        error: {
          type: "usage_limit_reached",
          message: "The usage limit has been reached",
          resets_at: Math.floor(Date.now() / 1000) + 600,
        },
      }),
    );
    backupUp.reply(sse(readFixture("anthropic/stream-text.sse")));
    const stream = client.messages.stream({
      model: "q1-or-backup",
      max_tokens: 100,
      messages: [{ role: "user", content: "hi" }],
    });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: "text" });
    expect(codexUp.requests).toHaveLength(1);
    expect(backupUp.requests).toHaveLength(1);
  });

  test("response.failed before any content still fails over (nothing reached the client yet)", async () => {
    codexUp.reply(sse(FAILED));
    backupUp.reply(json(BACKUP_MESSAGE));
    const { data, response } = await client.messages
      .create({ model: "q2-or-backup", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(data.content[0]).toMatchObject({ text: "from backup" });
    expect(response.headers.get("x-ccmux-provider")).toBe("backup");
    expect(codexUp.requests).toHaveLength(1);
  });

  test("with no provider left, the rate limit reaches the SDK as a RateLimitError", async () => {
    codexUp.reply(sse(FAILED));
    const err = await client.messages
      .stream({ model: "q3", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
      .finalMessage()
      .catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect(err.error.error.message).toContain("Rate limit reached");
  });

  test("a failure after the first byte is an error event: the SDK stream rejects with its type", async () => {
    codexUp.reply(sse(splitSseEvents(FAILS_MIDWAY)));
    const stream = client.messages.stream({
      model: "codex-or-backup",
      max_tokens: 100,
      messages: [{ role: "user", content: "hi" }],
    });
    const texts: string[] = [];
    stream.on("text", (t) => texts.push(t));
    const err = await stream.finalMessage().catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err.error).toMatchObject({
      type: "error",
      error: { type: "overloaded_error", message: "The server is overloaded" },
    });
    expect(texts.join("")).toBe("Let me look at the project layout first.");
    expect(backupUp.requests).toHaveLength(0);
  });

  test("count_tokens answers with an estimate", async () => {
    const res = await client.messages.countTokens({
      model: "codex",
      messages: [{ role: "user", content: "count these words please" }],
    });
    expect(res.input_tokens).toBeGreaterThan(0);
    expect(codexUp.requests).toHaveLength(0);
  });
});

describe("public Responses API (openai-responses, API key)", () => {
  test("non-streaming: a JSON response object becomes an Anthropic message", async () => {
    publicUp.reply(json(completedResponse(STREAM)));
    const { model: _m, ...turn } = firstTurn("public");
    const msg = await client.messages.create({ ...turn, model: "public" });
    expect(msg.content.map((b) => b.type)).toEqual(["thinking", "text", "tool_use"]);
    expect(msg.content[2]).toMatchObject({ id: CALL_ID, name: "shell" });
    const [req] = publicUp.requests;
    expect(req!.path).toBe("/v1/responses");
    expect(req!.headers.authorization).toBe("Bearer sk-public");
    expect(req!.headers["chatgpt-account-id"]).toBeUndefined();
    expect(req!.headers.originator).toBeUndefined();
    const body = req!.json();
    expect(body).toMatchObject({ model: "gpt-5.1", stream: false, store: false, max_output_tokens: 2048 });
    expect(body.instructions).toBe("You are a careful assistant. Repo rules: never force-push.");
  });

  test("streaming with a tool round trip", async () => {
    publicUp.reply(sse(STREAM));
    const first = await client.messages.stream(firstTurn("public")).finalMessage();
    expect(first.stop_reason).toBe("tool_use");
    publicUp.reply(sse(STREAM));
    const turn = firstTurn("public");
    await client.messages
      .stream({
        ...turn,
        messages: [
          ...turn.messages,
          { role: "assistant", content: first.content },
          { role: "user", content: [{ type: "tool_result", tool_use_id: CALL_ID, content: "ok" }] },
        ],
      })
      .finalMessage();
    expect(publicUp.requests[1]!.json().input).toContainEqual({
      type: "function_call_output",
      call_id: CALL_ID,
      output: "ok",
    });
    expect(publicUp.requests[0]!.json().stream).toBe(true);
  });

  test("a context overflow comes back as the 400 Claude Code compacts on", async () => {
    publicUp.reply(
      status(400, {
        error: {
          message: "Your input exceeds the context window of this model.",
          type: "invalid_request_error",
          code: "context_length_exceeded",
        },
      }),
    );
    const err = await client.messages
      .create({ model: "public", max_tokens: 10, messages: [{ role: "user", content: "hi" }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(err.error.error.message).toMatch(/^prompt is too long/);
  });
});
