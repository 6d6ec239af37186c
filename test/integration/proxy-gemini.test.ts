import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import type { ProviderConfig } from "../../src/config/types.ts";
import { json, sse, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { readFixture, readFixtureJson, splitAtRandom } from "../helpers/sse.ts";
import { BACKUP_MESSAGE, countingSource, PNG_BASE64, SHELL_TOOL } from "../helpers/translated-upstreams.ts";
import { functionCallStream, geminiSse, QUOTA_429, toolRoundTrip } from "../helpers/gemini-upstream.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const SESSION = "7d1e4c2a-9b3f-4e6d-8a5c-1f2e3d4c5b6a";
const USER_ID = JSON.stringify({ device_id: "dev", account_uuid: "", session_id: SESSION });

let keyUp: FakeUpstream;
let assistUp: FakeUpstream;
let backupUp: FakeUpstream;
let ccmux: InProcessServer;
let client: Anthropic;
let googleCreds = countingSource([
  { accessToken: "ya29.first", projectId: "able-fox-a1b2c" },
  { accessToken: "ya29.second", projectId: "able-fox-a1b2c" },
]);

function codeAssistProvider(): ProviderConfig {
  return {
    ...provider("assist", "https://unused.invalid"),
    provider_type: "gemini",
    auth_type: "oauth",
    oauth_provider: "google",
    api_key: undefined,
    base_url: undefined,
  };
}

beforeAll(async () => {
  keyUp = await startFakeUpstream();
  assistUp = await startFakeUpstream();
  backupUp = await startFakeUpstream();
  // A 429 with retry-after cools its provider down, so each quota test gets providers of its own.
  const quotaProviders = (base: ProviderConfig) =>
    ["q1", "q2", "q3"].map((q) => ({ ...base, name: `${base.name}-${q}` }));
  const geminiKey = provider("gemini", `${keyUp.url}/v1beta`, { provider_type: "gemini", api_key: "AIza-test-key" });
  const quotaModels = (p: string) => [
    model(`${p}-q1-or-backup`, [`${p}-q1`, "gemini-2.5-pro"], ["backup", "backup-model"]),
    model(`${p}-q2-or-backup`, [`${p}-q2`, "gemini-2.5-pro"], ["backup", "backup-model"]),
    model(`${p}-q3`, [`${p}-q3`, "gemini-2.5-pro"]),
  ];
  const config = testConfig({
    providers: [
      geminiKey,
      ...quotaProviders(geminiKey),
      codeAssistProvider(),
      ...quotaProviders(codeAssistProvider()),
      provider("backup", backupUp.url),
    ],
    models: [
      model("gemini", ["gemini", "gemini-2.5-pro"]),
      model("gemini-or-backup", ["gemini", "gemini-2.5-pro"], ["backup", "backup-model"]),
      model("assist", ["assist", "gemini-2.5-pro"]),
      model("assist-or-backup", ["assist", "gemini-2.5-pro"], ["backup", "backup-model"]),
      ...quotaModels("gemini"),
      ...quotaModels("assist"),
    ],
  });
  ccmux = await startInProcess(config, {
    env: { CCMUX_CODE_ASSIST_BASE_URL: assistUp.url },
    dynamicCredentials: (p) =>
      p.auth_type === "oauth" ? { get: () => googleCreds.get(), refresh: () => googleCreds.refresh() } : undefined,
  });
  client = new Anthropic({ baseURL: ccmux.url, apiKey: "client-key", maxRetries: 0 });
});

afterAll(async () => {
  await ccmux.stop();
  await Promise.all([keyUp.stop(), assistUp.stop(), backupUp.stop()]);
});

afterEach(() => {
  keyUp.clear();
  assistUp.clear();
  backupUp.clear();
  googleCreds = countingSource([
    { accessToken: "ya29.first", projectId: "able-fox-a1b2c" },
    { accessToken: "ya29.second", projectId: "able-fox-a1b2c" },
  ]);
});

const firstTurn = (modelName: string) => ({
  model: modelName,
  max_tokens: 4096,
  system: [{ type: "text" as const, text: "You are a careful assistant." }],
  tools: [
    SHELL_TOOL,
    {
      name: "Read",
      description: "Read a file",
      input_schema: { type: "object" as const, properties: { file_path: { type: "string" } } },
    },
    {
      name: "Grep",
      input_schema: { type: "object" as const, properties: { pattern: { type: "string" }, path: { type: "string" } } },
    },
  ],
  thinking: { type: "enabled" as const, budget_tokens: 8000 },
  metadata: { user_id: USER_ID },
  messages: [
    {
      role: "user" as const,
      content: [
        { type: "text" as const, text: "Why does the build target ES2019? Screenshot attached." },
        {
          type: "image" as const,
          source: { type: "base64" as const, media_type: "image/png" as const, data: PNG_BASE64 },
        },
      ],
    },
  ],
});

interface Kind {
  label: string;
  up: () => FakeUpstream;
  model: string;
  withBackup: string;
  codeAssist: boolean;
  streamPath: string;
  jsonPath: string;
  /** The Gemini request inside what the fake received. */
  inner: (body: any) => any;
}

const KINDS: Kind[] = [
  {
    label: "Gemini API (API key)",
    up: () => keyUp,
    model: "gemini",
    withBackup: "gemini-or-backup",
    codeAssist: false,
    streamPath: "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
    jsonPath: "/v1beta/models/gemini-2.5-pro:generateContent",
    inner: (body) => body,
  },
  {
    label: "Code Assist (Google OAuth)",
    up: () => assistUp,
    model: "assist",
    withBackup: "assist-or-backup",
    codeAssist: true,
    streamPath: "/v1internal:streamGenerateContent?alt=sse",
    jsonPath: "/v1internal:generateContent",
    inner: (body) => body.request,
  },
];

for (const kind of KINDS) {
  describe(`${kind.label} through the Anthropic SDK`, () => {
    test("streamed turn: thinking, text and tool calls arrive; system, image, tools and thinking budget go out", async () => {
      kind.up().reply(sse(splitAtRandom(new TextEncoder().encode(functionCallStream(kind.codeAssist)), 40, 7)));
      const final = await client.messages.stream(firstTurn(kind.model)).finalMessage();
      const tools = final.content.filter((b) => b.type === "tool_use");
      expect(tools).toMatchObject([
        { name: "Read", input: { file_path: "/repo/tsconfig.json" } },
        { name: "Grep", input: { pattern: "target", path: "/repo" } },
      ]);
      expect(final.content[0]).toMatchObject({ type: "thinking", thinking: expect.stringContaining("tsconfig") });
      expect(final.stop_reason).toBe("tool_use");
      expect(final.usage).toMatchObject({ cache_read_input_tokens: 1024, input_tokens: 869 });

      const [req] = kind.up().requests;
      expect(req!.path).toBe(kind.streamPath);
      expect(req!.path).not.toContain("key=");
      const inner = kind.inner(req!.json());
      expect(inner.systemInstruction.parts[0].text).toBe("You are a careful assistant.");
      expect(inner.contents[0].parts).toContainEqual({ inlineData: { mimeType: "image/png", data: PNG_BASE64 } });
      expect(inner.generationConfig.thinkingConfig).toEqual({ includeThoughts: true, thinkingBudget: 8000 });
      const shell = inner.tools[0].functionDeclarations.find((d: any) => d.name === "shell");
      expect(shell.parameters).toEqual({
        type: "object",
        properties: { command: { type: "array", items: { type: "string" } }, workdir: { type: "string" } },
        required: ["command"],
      });
    });

    test("tool round trip: tool results go back as functionResponse under the called function's name", async () => {
      kind.up().reply(sse(functionCallStream(kind.codeAssist)));
      const first = await client.messages.stream(firstTurn(kind.model)).finalMessage();
      kind.up().reply(
        sse(
          geminiSse(
            [
              {
                candidates: [
                  { content: { role: "model", parts: [{ text: "ES2019 is for Node 12." }] }, finishReason: "STOP" },
                ],
              },
            ],
            kind.codeAssist,
          ),
        ),
      );
      const second = await client.messages.stream(toolRoundTrip(firstTurn(kind.model), first)).finalMessage();
      expect(second.content).toMatchObject([{ type: "text", text: "ES2019 is for Node 12." }]);

      const contents = kind.inner(kind.up().requests[1]!.json()).contents as any[];
      const modelTurn = contents.find((c) => c.role === "model");
      const calls = modelTurn.parts.filter((p: any) => p.functionCall);
      expect(calls).toEqual([
        {
          functionCall: { name: "Read", args: { file_path: "/repo/tsconfig.json" } },
          thoughtSignature: "CiQB0e2Kb3FixtureOnlyThoughtSignatureZm9vYmFyYmF6cXV4cXV1eA==",
        },
        { functionCall: { name: "Grep", args: { pattern: "target", path: "/repo" } } },
      ]);
      const responses = contents
        .at(-1)
        .parts.filter((p: any) => p.functionResponse)
        .map((p: any) => p.functionResponse);
      expect(responses).toEqual([
        { name: "Read", response: { output: '{ "compilerOptions": { "target": "ES2019" } }' } },
        { name: "Grep", response: { error: "no matches" } },
      ]);
    });

    test("non-streaming: generateContent's answer becomes one message", async () => {
      const body = readFixtureJson("gemini/response-function-call.json");
      kind.up().reply(json(kind.codeAssist ? { response: body, traceId: "t1" } : body));
      const { model: _m, ...turn } = firstTurn(kind.model);
      const msg = await client.messages.create({ ...turn, model: kind.model });
      expect(msg.content.filter((b) => b.type === "tool_use").map((b) => (b as any).name)).toEqual(["Read", "Grep"]);
      expect(msg.stop_reason).toBe("tool_use");
      expect(kind.up().requests[0]!.path).toBe(kind.jsonPath);
    });

    test("a long RetryInfo delay fails over at once", async () => {
      kind.up().reply(status(429, QUOTA_429("32s")));
      backupUp.reply(json(BACKUP_MESSAGE));
      const { data, response } = await client.messages
        .create({ model: `${kind.model}-q1-or-backup`, max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
        .withResponse();
      expect(data.content[0]).toMatchObject({ text: "from backup" });
      expect(response.headers.get("x-ccmux-provider")).toBe("backup");
      expect(kind.up().requests).toHaveLength(1);
    });

    test("a short RetryInfo delay is waited out and retried", async () => {
      kind.up().reply(status(429, QUOTA_429("0.05s")));
      kind.up().reply(sse(readFixture(kind.codeAssist ? "gemini/code-assist-stream.sse" : "gemini/stream-text.sse")));
      const final = await client.messages
        .stream({ model: kind.withBackup, max_tokens: 100, messages: [{ role: "user", content: "12 squared?" }] })
        .finalMessage();
      expect(final.content.at(-1)).toMatchObject({ type: "text", text: "12 squared is **144**." });
      expect(kind.up().requests).toHaveLength(2);
      expect(backupUp.requests).toHaveLength(0);
    });

    test("after two waits the third 429 fails over; with nothing left the SDK gets a RateLimitError", async () => {
      for (let i = 0; i < 3; i++) kind.up().reply(status(429, QUOTA_429("0.01s")));
      backupUp.reply(json(BACKUP_MESSAGE));
      const msg = await client.messages.create({
        model: `${kind.model}-q2-or-backup`,
        max_tokens: 100,
        messages: [{ role: "user", content: "hi" }],
      });
      expect(msg.content[0]).toMatchObject({ text: "from backup" });
      expect(kind.up().requests).toHaveLength(3);
      kind.up().reply(status(429, QUOTA_429("32s")));
      const err = await client.messages
        .create({ model: `${kind.model}-q3`, max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
        .catch((e) => e);
      expect(err).toBeInstanceOf(Anthropic.RateLimitError);
      expect(err.headers.get("retry-after")).toBe("32");
    });

    test("an invalid request before the first byte is the client's 400, not failed over", async () => {
      kind
        .up()
        .reply(
          status(400, { error: { code: 400, message: "Invalid JSON payload received.", status: "INVALID_ARGUMENT" } }),
        );
      const err = await client.messages
        .create({ model: kind.withBackup, max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
        .catch((e) => e);
      expect(err).toBeInstanceOf(Anthropic.BadRequestError);
      expect(err.error.error.message).toBe("Invalid JSON payload received.");
      expect(backupUp.requests).toHaveLength(0);
    });

    test("an error chunk after the first byte is an error event: the SDK stream rejects with its type", async () => {
      const text = { candidates: [{ content: { role: "model", parts: [{ text: "Let me check" }] } }] };
      const failure = {
        error: { code: 503, message: "The model is overloaded. Please try again later.", status: "UNAVAILABLE" },
      };
      kind.up().reply(sse(geminiSse([text, failure], kind.codeAssist)));
      const stream = client.messages.stream({
        model: kind.withBackup,
        max_tokens: 100,
        messages: [{ role: "user", content: "hi" }],
      });
      const texts: string[] = [];
      stream.on("text", (t) => texts.push(t));
      const err = await stream.finalMessage().catch((e) => e);
      expect(err).toBeInstanceOf(Anthropic.APIError);
      expect(err.error).toMatchObject({
        type: "error",
        error: { type: "overloaded_error", message: "The model is overloaded. Please try again later." },
      });
      expect(texts.join("")).toBe("Let me check");
      expect(backupUp.requests).toHaveLength(0);
    });

    test("count_tokens answers with an estimate", async () => {
      const res = await client.messages.countTokens({
        model: kind.model,
        messages: [{ role: "user", content: "count these words please" }],
      });
      expect(res.input_tokens).toBeGreaterThan(0);
      expect(kind.up().requests).toHaveLength(0);
    });
  });
}

describe("Gemini credentials", () => {
  test("API key: x-goog-api-key header, never a Bearer token", async () => {
    keyUp.reply(sse(readFixture("gemini/stream-text.sse")));
    await client.messages
      .stream({ model: "gemini", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
      .finalMessage();
    const [req] = keyUp.requests;
    expect(req!.headers["x-goog-api-key"]).toBe("AIza-test-key");
    expect(req!.headers.authorization).toBeUndefined();
  });

  test("Code Assist: Bearer token, the store's project and Claude Code's session in the envelope", async () => {
    assistUp.reply(sse(readFixture("gemini/code-assist-stream.sse")));
    const final = await client.messages
      .stream({
        model: "assist",
        max_tokens: 100,
        metadata: { user_id: USER_ID },
        messages: [{ role: "user", content: "12 squared?" }],
      })
      .finalMessage();
    expect(final.content.at(-1)).toMatchObject({ type: "text", text: "12 squared is **144**." });
    const [req] = assistUp.requests;
    expect(req!.headers.authorization).toBe("Bearer ya29.first");
    expect(req!.headers["x-goog-api-key"]).toBeUndefined();
    const body = req!.json();
    expect(body).toMatchObject({
      model: "gemini-2.5-pro",
      project: "able-fox-a1b2c",
      request: { session_id: SESSION },
    });
    expect(body.user_prompt_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("Code Assist: a 401 refreshes the token once and retries", async () => {
    assistUp.reply(
      status(401, {
        error: { code: 401, message: "Request had invalid authentication credentials.", status: "UNAUTHENTICATED" },
      }),
    );
    assistUp.reply(sse(readFixture("gemini/code-assist-stream.sse")));
    await client.messages
      .stream({ model: "assist", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
      .finalMessage();
    expect(googleCreds.refreshes).toBe(1);
    expect(assistUp.requests[1]!.headers.authorization).toBe("Bearer ya29.second");
  });
});
