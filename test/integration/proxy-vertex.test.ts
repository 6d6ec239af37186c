import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { json, sse, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import {
  startFakeGoogleToken,
  writeServiceAccount,
  SA_EMAIL,
  type FakeGoogleToken,
} from "../helpers/fake-google-token.ts";
import { functionCallStream, geminiSse, QUOTA_429, toolRoundTrip } from "../helpers/gemini-upstream.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { readFixture, readFixtureJson, splitSseEvents } from "../helpers/sse.ts";
import { BACKUP_MESSAGE, PNG_BASE64 } from "../helpers/translated-upstreams.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const PUBLISHERS = "/v1/projects/my-proj/locations/us-central1/publishers";
const CLAUDE = "claude-sonnet-4-5@20250929";

let vertexUp: FakeUpstream;
let backupUp: FakeUpstream;
let google: FakeGoogleToken;
let ccmux: InProcessServer;
let client: Anthropic;

beforeAll(async () => {
  vertexUp = await startFakeUpstream();
  backupUp = await startFakeUpstream();
  const dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "vertex-"));
  const account = await writeServiceAccount(dir);
  google = await startFakeGoogleToken({ publicKey: account.publicKey });
  const vertex = (name: string) =>
    provider(name, `${vertexUp.url}/v1`, {
      provider_type: "vertex-ai",
      auth_type: "adc",
      api_key: undefined,
      project_id: "my-proj",
      location: "us-central1",
    });
  const config = testConfig({
    providers: [vertex("vertex"), vertex("vertex-q1"), provider("backup", backupUp.url)],
    models: [
      model("vgemini", ["vertex", "gemini-2.5-pro"]),
      model("vgemini-or-backup", ["vertex", "gemini-2.5-pro"], ["backup", "backup-model"]),
      model("q1-or-backup", ["vertex-q1", "publishers/google/models/gemini-2.5-pro"], ["backup", "backup-model"]),
      model("vclaude", ["vertex", CLAUDE]),
      model("vclaude-or-backup", ["vertex", CLAUDE], ["backup", "backup-model"]),
    ],
  });
  ccmux = await startInProcess(config, {
    env: { GOOGLE_APPLICATION_CREDENTIALS: account.path, CCMUX_GOOGLE_TOKEN_URL: google.url },
  });
  client = new Anthropic({ baseURL: ccmux.url, apiKey: "client-key", maxRetries: 0 });
});

afterAll(async () => {
  await ccmux.stop();
  await Promise.all([vertexUp.stop(), backupUp.stop(), google.stop()]);
});

afterEach(() => {
  vertexUp.clear();
  backupUp.clear();
});

const firstTurn = (modelName: string) => ({
  model: modelName,
  max_tokens: 4096,
  system: "You are a careful assistant.",
  tools: [
    { name: "Read", input_schema: { type: "object" as const, properties: { file_path: { type: "string" } } } },
    {
      name: "Grep",
      input_schema: { type: "object" as const, properties: { pattern: { type: "string" }, path: { type: "string" } } },
    },
  ],
  thinking: { type: "enabled" as const, budget_tokens: 2048 },
  messages: [
    {
      role: "user" as const,
      content: [
        { type: "text" as const, text: "Why ES2019? Screenshot attached." },
        {
          type: "image" as const,
          source: { type: "base64" as const, media_type: "image/png" as const, data: PNG_BASE64 },
        },
      ],
    },
  ],
});

describe("Vertex AI credentials (ADC service account)", () => {
  test("the signed JWT is verified by the token endpoint and the token is reused while fresh", async () => {
    vertexUp.reply(sse(readFixture("gemini/stream-text.sse")));
    vertexUp.reply(sse(readFixture("gemini/stream-text.sse")));
    await client.messages
      .stream({ model: "vgemini", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
      .finalMessage();
    await client.messages
      .stream({ model: "vgemini", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
      .finalMessage();
    expect(google.exchanges).toHaveLength(1);
    const [exchange] = google.exchanges;
    expect(exchange!.header).toEqual({ alg: "RS256", typ: "JWT", kid: "key-1" });
    expect(exchange!.claims).toMatchObject({
      iss: SA_EMAIL,
      aud: google.url,
      scope: "https://www.googleapis.com/auth/cloud-platform",
    });
    expect(exchange!.claims!.exp - exchange!.claims!.iat).toBe(3600);
    for (const req of vertexUp.requests) expect(req.headers.authorization).toBe("Bearer ya29.token-1");
  });

  test("a 401 from Vertex gets a new token once and retries", async () => {
    const before = google.issued();
    vertexUp.reply(
      status(401, {
        error: { code: 401, message: "Request had invalid authentication credentials.", status: "UNAUTHENTICATED" },
      }),
    );
    vertexUp.reply(sse(readFixture("gemini/stream-text.sse")));
    await client.messages
      .stream({ model: "vgemini", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
      .finalMessage();
    expect(google.issued()).toBe(before + 1);
    expect(vertexUp.requests[1]!.headers.authorization).toBe(`Bearer ya29.token-${before + 1}`);
  });
});

describe("Vertex AI Gemini models", () => {
  test("streamed tool calls with thinking and an image, then the functionResponse round trip", async () => {
    vertexUp.reply(sse(splitSseEvents(functionCallStream())));
    const first = await client.messages.stream(firstTurn("vgemini")).finalMessage();
    expect(first.content.filter((b) => b.type === "tool_use").map((b) => (b as any).name)).toEqual(["Read", "Grep"]);
    expect(first.content[0]).toMatchObject({ type: "thinking" });
    const [req] = vertexUp.requests;
    expect(req!.path).toBe(`${PUBLISHERS}/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse`);
    const body = req!.json();
    expect(body.contents[0].parts).toContainEqual({ inlineData: { mimeType: "image/png", data: PNG_BASE64 } });
    expect(body.systemInstruction.parts[0].text).toBe("You are a careful assistant.");

    vertexUp.reply(
      sse(
        geminiSse([
          {
            candidates: [
              { content: { role: "model", parts: [{ text: "Because of Node 12." }] }, finishReason: "STOP" },
            ],
          },
        ]),
      ),
    );
    await client.messages.stream(toolRoundTrip(firstTurn("vgemini"), first)).finalMessage();
    const contents = vertexUp.requests[1]!.json().contents as any[];
    expect(contents.at(-1).parts.map((p: any) => p.functionResponse?.name)).toEqual(["Read", "Grep"]);
  });

  test("non-streaming uses :generateContent; a model written as publishers/google/models/… is not doubled", async () => {
    vertexUp.reply(json(readFixtureJson("gemini/response-function-call.json")));
    const msg = await client.messages.create({
      model: "q1-or-backup",
      max_tokens: 100,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(msg.stop_reason).toBe("tool_use");
    expect(vertexUp.requests[0]!.path).toBe(`${PUBLISHERS}/google/models/gemini-2.5-pro:generateContent`);
  });

  test("a long quota delay fails over; an error chunk after the first byte is an error event", async () => {
    vertexUp.reply(status(429, QUOTA_429("40s")));
    backupUp.reply(json(BACKUP_MESSAGE));
    const msg = await client.messages.create({
      model: "q1-or-backup",
      max_tokens: 100,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(msg.content[0]).toMatchObject({ text: "from backup" });

    const text = { candidates: [{ content: { role: "model", parts: [{ text: "Partial" }] } }] };
    vertexUp.reply(
      sse(geminiSse([text, { error: { code: 500, message: "Internal error encountered.", status: "INTERNAL" } }])),
    );
    const err = await client.messages
      .stream({ model: "vgemini-or-backup", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
      .finalMessage()
      .catch((e) => e);
    expect(err.error).toMatchObject({
      type: "error",
      error: { type: "api_error", message: "Internal error encountered." },
    });
    expect(backupUp.requests).toHaveLength(1);
  });
});

describe("Vertex AI Claude models (Anthropic pass-through)", () => {
  test("the stream is relayed byte for byte; the body carries anthropic_version and no model", async () => {
    const fixture = readFixture("anthropic/stream-tool-use.sse");
    vertexUp.reply(sse(fixture.match(/[\s\S]{1,11}/g)!));
    const res = await fetch(`${ccmux.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ ...firstTurn("vclaude"), stream: true }),
    });
    expect(await res.text()).toBe(fixture);
    const [req] = vertexUp.requests;
    expect(req!.path).toBe(`${PUBLISHERS}/anthropic/models/${CLAUDE}:streamRawPredict`);
    expect(req!.headers.authorization).toMatch(/^Bearer ya29\.token-\d+$/);
    const body = req!.json();
    expect(body.anthropic_version).toBe("vertex-2023-10-16");
    expect(body.model).toBeUndefined();
    expect(body.messages[0].content[1]).toEqual({
      type: "image",
      source: { type: "base64", media_type: "image/png", data: PNG_BASE64 },
    });
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 2048 });
  });

  test("tool round trip through the SDK, and rawPredict for a non-streaming client", async () => {
    vertexUp.reply(sse(readFixture("anthropic/stream-tool-use.sse")));
    const first = await client.messages.stream(firstTurn("vclaude")).finalMessage();
    const toolUse = first.content.find((b) => b.type === "tool_use")!;
    vertexUp.reply(json(readFixtureJson("anthropic/response-tool-use.json")));
    const turn = firstTurn("vclaude");
    const second = await client.messages.create({
      ...turn,
      messages: [
        ...turn.messages,
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "3 matches" }] },
      ],
    });
    expect(second.stop_reason).toBe("tool_use");
    const sent = vertexUp.requests[1]!;
    expect(sent.path).toBe(`${PUBLISHERS}/anthropic/models/${CLAUDE}:rawPredict`);
    expect(sent.json().messages.at(-1).content[0]).toEqual({
      type: "tool_result",
      tool_use_id: toolUse.id,
      content: "3 matches",
    });
  });

  test("errors: 529 before the first byte fails over; an error event after it reaches the SDK", async () => {
    vertexUp.reply(status(529, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }));
    backupUp.reply(json(BACKUP_MESSAGE));
    const msg = await client.messages.create({
      model: "vclaude-or-backup",
      max_tokens: 100,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(msg.content[0]).toMatchObject({ text: "from backup" });

    vertexUp.reply(sse(readFixture("anthropic/stream-error.sse")));
    const err = await client.messages
      .stream({ model: "vclaude", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
      .finalMessage()
      .catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err.error.error.type).toBe("overloaded_error");
  });
});
