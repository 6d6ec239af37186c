// Done-when check for the translating upstreams: the request Claude Code actually sends
// (test/fixtures/anthropic/request-claude-code.json, with its headers) works, streamed and with
// tool calls, through Codex, the public Responses API, Gemini, Code Assist and Vertex AI.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import type { ProviderConfig } from "../../src/config/types.ts";
import { CODEX_INSTRUCTIONS } from "../../src/translate/responses/request.ts";
import { sse, startFakeUpstream, type FakeUpstream, type RecordedRequest } from "../helpers/fake-upstream.ts";
import { startFakeGoogleToken, writeServiceAccount, type FakeGoogleToken } from "../helpers/fake-google-token.ts";
import { geminiSse } from "../helpers/gemini-upstream.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { parseAnthropicEvents, readFixture, readFixtureJson, splitSseEvents } from "../helpers/sse.ts";
import { countingSource, fakeJwt } from "../helpers/translated-upstreams.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const REQUEST = readFixtureJson("anthropic/request-claude-code.json");
const HEADERS = readFixtureJson("anthropic/request-claude-code.headers.json");
const SESSION = "7d1e4c2a-9b3f-4e6d-8a5c-1f2e3d4c5b6a";
const HISTORY_CALL = "toolu_01BashA9s8D7f6G5h4J3k2L1z";
const HISTORY_OUTPUT = REQUEST.messages[2].content[0].content as string;
const MAIN_PROMPT = REQUEST.system[2].text as string;
const UNSUPPORTED_BY_GEMINI = ["$schema", "additionalProperties", "exclusiveMinimum", "propertyNames"];

/** The Responses fixture, with its tool call renamed to one Claude Code declares. */
const RESPONSES_STREAM = readFixture("responses/stream-text-and-tool.sse").replaceAll(
  '"name":"shell"',
  '"name":"Bash"',
);
const GEMINI_CHUNKS = [
  { candidates: [{ content: { role: "model", parts: [{ text: "The lexer counts CRLF twice.", thought: true }] } }] },
  { candidates: [{ content: { role: "model", parts: [{ text: "Let me read the lexer." }] } }] },
  {
    candidates: [
      {
        content: {
          role: "model",
          parts: [{ functionCall: { name: "Bash", args: { command: "cat packages/parser/src/lexer.ts" } } }],
        },
        finishReason: "STOP",
      },
    ],
    usageMetadata: { promptTokenCount: 4000, candidatesTokenCount: 30, thoughtsTokenCount: 12 },
  },
];

const ups: Record<string, FakeUpstream> = {};
let google: FakeGoogleToken;
let ccmux: InProcessServer;

beforeAll(async () => {
  for (const name of ["codex", "responses", "gemini", "assist", "vertex"]) ups[name] = await startFakeUpstream();
  const dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "claude-code-request-"));
  const account = await writeServiceAccount(dir);
  google = await startFakeGoogleToken({ publicKey: account.publicKey });
  const oauth = (name: string, type: string): ProviderConfig => ({
    ...provider(name, "https://unused.invalid"),
    provider_type: type,
    auth_type: "oauth",
    oauth_provider: name,
    api_key: undefined,
    base_url: undefined,
  });
  const config = testConfig({
    providers: [
      oauth("codex", "openai"),
      provider("responses", `${ups.responses!.url}/v1`, { provider_type: "openai-responses", api_key: "sk-test" }),
      provider("gemini", `${ups.gemini!.url}/v1beta`, { provider_type: "gemini", api_key: "AIza-test" }),
      oauth("assist", "gemini"),
      provider("vertex", `${ups.vertex!.url}/v1`, {
        provider_type: "vertex-ai",
        auth_type: "adc",
        api_key: undefined,
        project_id: "my-proj",
        location: "us-east5",
      }),
    ],
    models: [
      model("codex", ["codex", "gpt-5.1-codex"]),
      model("responses", ["responses", "gpt-5.1"]),
      model("gemini", ["gemini", "gemini-2.5-pro"]),
      model("assist", ["assist", "gemini-2.5-pro"]),
      model("vertex-gemini", ["vertex", "gemini-2.5-pro"]),
      model("vertex-claude", ["vertex", "claude-sonnet-4-5@20250929"]),
    ],
  });
  const tokens: Record<string, ReturnType<typeof countingSource>> = {
    codex: countingSource([
      { accessToken: fakeJwt({ "https://api.openai.com/auth": { chatgpt_account_id: "acct_1" } }) },
    ]),
    assist: countingSource([{ accessToken: "ya29.assist", projectId: "able-fox-a1b2c" }]),
  };
  ccmux = await startInProcess(config, {
    env: {
      CCMUX_CODEX_BASE_URL: `${ups.codex!.url}/backend-api/codex`,
      CCMUX_CODE_ASSIST_BASE_URL: ups.assist!.url,
      GOOGLE_APPLICATION_CREDENTIALS: account.path,
      CCMUX_GOOGLE_TOKEN_URL: google.url,
    },
    dynamicCredentials: (p) => tokens[p.name],
  });
});

afterAll(async () => {
  await ccmux.stop();
  await Promise.all([...Object.values(ups).map((u) => u.stop()), google.stop()]);
});

/** POSTs the fixture as Claude Code does (its path and headers), with `model` swapped for ours. */
async function sendAsClaudeCode(modelName: string): Promise<ReturnType<typeof parseAnthropicEvents>> {
  const res = await fetch(`${ccmux.url}${HEADERS.path}`, {
    method: "POST",
    headers: HEADERS.headers,
    body: JSON.stringify({ ...REQUEST, model: modelName }),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  return parseAnthropicEvents(await res.text());
}

function expectToolTurn(events: ReturnType<typeof parseAnthropicEvents>) {
  expect(events[0]!.event).toBe("message_start");
  expect(events.at(-1)!.event).toBe("message_stop");
  expect(events.some((e) => e.event === "error")).toBe(false);
  const tool = events.find((e) => e.event === "content_block_start" && e.data.content_block.type === "tool_use");
  expect(tool?.data.content_block.name).toBe("Bash");
  expect(events.find((e) => e.event === "message_delta")!.data.delta.stop_reason).toBe("tool_use");
}

function expectSystemCarried(text: string) {
  expect(text).toContain(MAIN_PROMPT.trim().slice(0, 60));
  expect(text).toContain("You are Claude Code");
  expect(text).not.toContain("x-anthropic-billing-header");
}

function expectResponsesBody(req: RecordedRequest) {
  const body = req.json();
  const input = body.input as any[];
  expect(input).toContainEqual({
    type: "function_call",
    call_id: HISTORY_CALL,
    name: "Bash",
    arguments: JSON.stringify(REQUEST.messages[1].content[2].input),
  });
  expect(input).toContainEqual({ type: "function_call_output", call_id: HISTORY_CALL, output: HISTORY_OUTPUT });
  expect(body.tools.map((t: any) => t.name)).toEqual(["Bash", "Read", "TodoWrite", "WebSearch"]);
  expect(body.reasoning.effort).toBe("high");
  return body;
}

function expectGeminiBody(inner: any) {
  const modelTurn = inner.contents.find((c: any) => c.role === "model");
  expect(modelTurn.parts).toContainEqual({
    functionCall: { name: "Bash", args: REQUEST.messages[1].content[2].input },
  });
  expect(inner.contents.at(-1).parts).toContainEqual({
    functionResponse: { name: "Bash", response: { output: HISTORY_OUTPUT } },
  });
  expectSystemCarried(inner.systemInstruction.parts.map((p: any) => p.text).join("\n"));
  const declarations = inner.tools[0].functionDeclarations;
  expect(declarations.map((d: any) => d.name)).toEqual(["Bash", "Read", "TodoWrite", "WebSearch"]);
  const schemas = JSON.stringify(declarations);
  for (const key of UNSUPPORTED_BY_GEMINI) expect(schemas).not.toContain(`"${key}"`);
  expect(declarations[1].parameters.properties.limit).toMatchObject({
    type: "integer",
    description: "Number of lines to read",
  });
  expect(inner.generationConfig.thinkingConfig.includeThoughts).toBe(true);
}

describe("Claude Code's own request through each translating upstream", () => {
  test("Codex (ChatGPT OAuth)", async () => {
    ups.codex!.reply(sse(splitSseEvents(RESPONSES_STREAM)));
    expectToolTurn(await sendAsClaudeCode("codex"));
    const [req] = ups.codex!.requests;
    expect(req!.headers).toMatchObject({
      "chatgpt-account-id": "acct_1",
      "openai-beta": "responses=experimental",
      originator: "codex_cli_rs",
      session_id: SESSION,
    });
    const body = expectResponsesBody(req!);
    expect(body.instructions).toBe(CODEX_INSTRUCTIONS);
    expectSystemCarried(body.input[0].content[0].text);
  });

  test("public Responses API", async () => {
    ups.responses!.reply(sse(RESPONSES_STREAM));
    expectToolTurn(await sendAsClaudeCode("responses"));
    expectSystemCarried(expectResponsesBody(ups.responses!.requests[0]!).instructions);
  });

  test("Gemini API (API key)", async () => {
    ups.gemini!.reply(sse(geminiSse(GEMINI_CHUNKS)));
    expectToolTurn(await sendAsClaudeCode("gemini"));
    expect(ups.gemini!.requests[0]!.path).toBe("/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse");
    expectGeminiBody(ups.gemini!.requests[0]!.json());
  });

  test("Code Assist (Google OAuth)", async () => {
    ups.assist!.reply(sse(geminiSse(GEMINI_CHUNKS, true)));
    expectToolTurn(await sendAsClaudeCode("assist"));
    const body = ups.assist!.requests[0]!.json();
    expect(body).toMatchObject({
      model: "gemini-2.5-pro",
      project: "able-fox-a1b2c",
      request: { session_id: SESSION },
    });
    expectGeminiBody(body.request);
  });

  test("Vertex AI, Gemini model", async () => {
    ups.vertex!.reply(sse(geminiSse(GEMINI_CHUNKS)));
    expectToolTurn(await sendAsClaudeCode("vertex-gemini"));
    const [req] = ups.vertex!.requests.slice(-1);
    expect(req!.path).toBe(
      "/v1/projects/my-proj/locations/us-east5/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
    );
    expectGeminiBody(req!.json());
  });

  test("Vertex AI, Claude model: the stream passes through; only the betas and fields Vertex accepts are sent", async () => {
    ups.vertex!.reply(sse(readFixture("anthropic/stream-tool-use.sse")));
    const events = await sendAsClaudeCode("vertex-claude");
    expect(events.map((e) => e.data)).toEqual(
      parseAnthropicEvents(readFixture("anthropic/stream-tool-use.sse")).map((e) => e.data),
    );
    const [req] = ups.vertex!.requests.slice(-1);
    const { model: _model, context_management: _cm, output_config: _oc, ...rest } = REQUEST as Record<string, unknown>;
    expect(Object.keys(REQUEST)).toContain("context_management"); // Claude Code sends it; Vertex refuses it
    expect(req!.json()).toEqual({ ...rest, anthropic_version: "vertex-2023-10-16" });
    // Claude Code's first-party betas (prompt-caching-scope, effort, context-management) are a 400 on Vertex
    expect(req!.headers["anthropic-beta"]).toBe("interleaved-thinking-2025-05-14");
  });

  test("the SDK assembles each streamed answer into a tool_use turn", async () => {
    const client = new Anthropic({ baseURL: ccmux.url, apiKey: "k", maxRetries: 0 });
    const replies: [string, FakeUpstream, string][] = [
      ["codex", ups.codex!, RESPONSES_STREAM],
      ["responses", ups.responses!, RESPONSES_STREAM],
      ["gemini", ups.gemini!, geminiSse(GEMINI_CHUNKS)],
      ["assist", ups.assist!, geminiSse(GEMINI_CHUNKS, true)],
      ["vertex-gemini", ups.vertex!, geminiSse(GEMINI_CHUNKS)],
    ];
    for (const [name, up, body] of replies) {
      up.reply(sse(body));
      const final = await client.messages.stream({ ...REQUEST, model: name } as any).finalMessage();
      expect(final.stop_reason).toBe("tool_use");
      expect(final.content.find((b) => b.type === "tool_use")).toMatchObject({ name: "Bash" });
      expect(final.content.find((b) => b.type === "thinking")).toBeDefined();
    }
  });
});
