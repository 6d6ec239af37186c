// A malformed client request is the client's mistake: a 400 in the route's error shape, before anything is
// sent, never tried on another provider, never counted against the provider's health.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { json, startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const GEMINI_OK = {
  candidates: [{ content: { role: "model", parts: [{ text: "fine" }] }, finishReason: "STOP", index: 0 }],
  usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
};
const BACKUP_OK = {
  id: "msg_backup",
  type: "message",
  role: "assistant",
  model: "b1",
  content: [{ type: "text", text: "backup" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 3, output_tokens: 1 },
};

let gemini: FakeUpstream;
let backup: FakeUpstream;
let ccmux: InProcessServer;

beforeAll(async () => {
  [gemini, backup] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
  gemini.setDefault(() => json(GEMINI_OK));
  backup.setDefault(() => json(BACKUP_OK));
  const config = testConfig({
    providers: [
      provider("gem", `${gemini.url}/v1beta`, { provider_type: "gemini", api_key: "gemini-fake-key" }),
      provider("backup", backup.url),
    ],
    models: [model("gem-fo", ["gem", "gemini-2.5-pro"], ["backup", "b1"])],
    router: { default: "gem-fo", long_context_threshold: 10_000_000 },
  });
  // One counted failure would cool the provider down: any miscounted client error shows.
  config.server.health = { failure_threshold: 1, cooldown_ms: 60_000, max_cooldown_ms: 60_000 };
  ccmux = await startInProcess(config);
});

afterAll(async () => {
  await ccmux.stop();
  await Promise.all([gemini.stop(), backup.stop()]);
});

afterEach(() => {
  gemini.clear();
  backup.clear();
  ccmux.deps.health.reset();
});

const USER = [{ role: "user", content: "hi" }];

function post(path: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${ccmux.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function geminiHealth(): Promise<{ state: string; consecutive_failures: number; last_error: string | null }> {
  const status = (await (await fetch(`${ccmux.url}/api/status`)).json()) as { providers: { name: string }[] };
  return status.providers.find((p) => p.name === "gem") as never;
}

/** `refs` references to the level below, `levels` deep: 8 × 8 is a 2 KB schema that inlines to 16 million leaves. */
function fanOut(refs: number, levels: number): Record<string, unknown> {
  const defs: Record<string, unknown> = { l0: { type: "string" } };
  for (let level = 1; level <= levels; level++) {
    const properties: Record<string, unknown> = {};
    for (let r = 0; r < refs; r++) properties[`p${r}`] = { $ref: `#/$defs/l${level - 1}` };
    defs[`l${level}`] = { type: "object", properties };
  }
  return { $defs: defs, type: "object", properties: { root: { $ref: `#/$defs/l${levels}` } } };
}

async function expectClientError(res: Response, message: string | RegExp): Promise<void> {
  const body = (await res.json()) as { type: string; error: { type: string; message: string } };
  expect({ status: res.status, type: body.type, errorType: body.error.type }).toEqual({
    status: 400,
    type: "error",
    errorType: "invalid_request_error",
  });
  expect(body.error.message).toMatch(message);
}

async function expectNothingSentAndHealthy(): Promise<void> {
  expect(gemini.requests).toHaveLength(0);
  expect(backup.requests).toHaveLength(0);
  const health = await geminiHealth();
  expect({ state: health.state, failures: health.consecutive_failures, last_error: health.last_error }).toEqual({
    state: "healthy",
    failures: 0,
    last_error: null,
  });
}

test("a well-formed request is answered by the Gemini provider (the setup works)", async () => {
  const res = await post("/v1/messages", { model: "gem-fo", max_tokens: 16, messages: USER });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { content: { text: string }[] }).content[0]!.text).toBe("fine");
  expect(backup.requests).toHaveLength(0);
});

describe("JSON Schema cleaning has a budget", () => {
  test("a 2 KB tool schema whose $refs fan out 8 × 8 is a 400 naming the tool, sent nowhere", async () => {
    const tools = [{ name: "Fan", description: "fans out", input_schema: fanOut(8, 8) }];
    for (let i = 0; i < 3; i++) {
      const res = await post("/v1/messages", { model: "gem-fo", max_tokens: 16, messages: USER, tools });
      await expectClientError(res, /^tool "Fan": inlining its \$refs would grow the schema past 64 KB/);
    }
    await expectNothingSentAndHealthy();
  });

  test("the same on the OpenAI front door, in OpenAI's error shape", async () => {
    const tools = [{ type: "function", function: { name: "Fan", parameters: fanOut(8, 8) } }];
    const res = await post("/v1/chat/completions", { model: "gem-fo", messages: USER, tools });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toStartWith('tool "Fan": inlining its $refs');
    await expectNothingSentAndHealthy();
  });
});

const toolTurn = (input: unknown, id: unknown = "toolu_1") => ({
  role: "assistant",
  content: [{ type: "tool_use", id, name: "Read", input }],
});
const TOOLS = [{ name: "Read", input_schema: { type: "object", properties: { path: { type: "string" } } } }];

function deeplyNested(levels: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < levels; i++) value = { next: value };
  return value;
}

function nestedDocuments(levels: number): unknown {
  let block: unknown = { type: "text", text: "bottom" };
  for (let i = 0; i < levels; i++) block = { type: "document", source: { type: "content", content: [block] } };
  return block;
}

/** Shapes that crashed a translator (a 502 that cooled the provider down and sent the request to the backup). */
const MALFORMED: [name: string, body: Record<string, unknown>, message: RegExp][] = [
  [
    "an image whose source is null",
    { messages: [{ role: "user", content: [{ type: "image", source: null }] }] },
    /^messages\[0\]\.content\[0\]\.source: /,
  ],
  ["stop_sequences sent as a string", { messages: USER, stop_sequences: "STOP" }, /^stop_sequences: /],
  [
    "a $ref with a bad %-escape",
    { messages: USER, tools: [{ name: "Esc", input_schema: { properties: { a: { $ref: "#/%E0%A4%A" } } } }] },
    /^tool "Esc": \$ref "#\/%E0%A4%A" is not a valid JSON pointer/,
  ],
  [
    "a tool_use id that is a number",
    { messages: [...USER, toolTurn({}, 5), { role: "user", content: "go on" }], tools: TOOLS },
    /^messages\[1\]\.content\[0\]\.id: /,
  ],
  [
    "a tool_result whose content is a number",
    {
      messages: [
        ...USER,
        toolTurn({}),
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: 5 }] },
      ],
      tools: TOOLS,
    },
    /^messages\[2\]\.content\[0\]\.content: /,
  ],
  ["a tool whose type is a number", { messages: USER, tools: [{ name: "T", type: 5 }] }, /^tools\[0\]\.type: /],
  ["tool_choice sent as a string", { messages: USER, tools: TOOLS, tool_choice: "auto" }, /^tool_choice: /],
  [
    "documents nested inside documents 40 deep",
    { messages: [{ role: "user", content: [nestedDocuments(40)] }] },
    /content blocks nest more than 16 levels deep/,
  ],
  [
    "a tool input nested 20,000 levels deep",
    { messages: [...USER, toolTurn(deeplyNested(20_000)), { role: "user", content: "go on" }], tools: TOOLS },
    /more than 16384 levels deep/,
  ],
];

describe("a malformed request is a 400, never tried elsewhere, never counted against the provider", () => {
  test("on /v1/messages, in Anthropic's error shape", async () => {
    for (const [name, body, message] of MALFORMED) {
      const res = await post("/v1/messages", { model: "gem-fo", max_tokens: 16, ...body });
      await expectClientError(res, message).catch((err: Error) => {
        throw new Error(`${name}: ${err.message}`);
      });
    }
    await expectNothingSentAndHealthy();
    // The provider still serves: good traffic is not sent to the backup.
    const res = await post("/v1/messages", { model: "gem-fo", max_tokens: 16, messages: USER });
    expect(res.status).toBe(200);
    expect(gemini.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(0);
  });

  test("on /v1/chat/completions, in OpenAI's error shape", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { tools: [{ type: "function", function: { name: "T", parameters: "abc" } }] },
        /^tools\[0\]\.function\.parameters /,
      ],
      [{ tools: [{ type: "function", function: { name: "T", parameters: deeplyNested(20_000) } }] }, /16384 levels/],
      [{ messages: [{ role: "user", content: [{ type: "image_url", image_url: null }] }] }, /image_url\.url/],
      [{ stop: 5 }, /^stop must be/],
    ];
    for (const [body, message] of cases) {
      const res = await post("/v1/chat/completions", { model: "gem-fo", messages: USER, ...body });
      const answer = (await res.json()) as { error: { type: string; message: string } };
      expect({ status: res.status, type: answer.error.type }).toEqual({ status: 400, type: "invalid_request_error" });
      expect(answer.error.message).toMatch(message);
    }
    await expectNothingSentAndHealthy();
  });
});
