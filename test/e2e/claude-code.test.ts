// The real Claude Code CLI (2.1.112, the last pure-JS release) driving ccmux, which routes it to an
// OpenAI-compatible or a Gemini upstream: a Bash tool call and its result go round trip through the
// translation, and Claude Code really runs the command.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { sse, startFakeUpstream, type FakeUpstream, type RecordedRequest } from "../helpers/fake-upstream.ts";
import { runClaude } from "../helpers/claude-cli.ts";
import { startCcmuxServer, type CcmuxServer } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let up: FakeUpstream;
let server: CcmuxServer;

function chunk(delta: object, finish: string | null = null, usage?: object): string {
  const body = {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "glm-4.6",
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

/** Gemini: the same two turns, as streamGenerateContent chunks (CRLF-framed, as Google sends them). */
function geminiReply(req: RecordedRequest) {
  const body = req.json();
  const done = JSON.stringify(body.contents).includes("functionResponse");
  const parts = done
    ? [{ text: "The command printed hello-from-gemini. DONE-GEMINI" }]
    : [
        {
          functionCall: { name: "Bash", args: { command: "echo hello-from-gemini", description: "Print a greeting" } },
        },
      ];
  const chunk = {
    candidates: [{ content: { role: "model", parts }, finishReason: "STOP", index: 0 }],
    usageMetadata: { promptTokenCount: 80, candidatesTokenCount: 7, totalTokenCount: 87 },
  };
  return sse([`data: ${JSON.stringify(chunk)}\r\n\r\n`]);
}

/** Anthropic, passed through: the same two turns as Anthropic SSE events. */
function anthropicReply(req: RecordedRequest) {
  const body = req.json();
  const done = JSON.stringify(body.messages).includes('"tool_result"');
  const ev = (data: { type: string }) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
  const start = ev({
    type: "message_start",
    message: {
      id: "msg_e2e",
      type: "message",
      role: "assistant",
      model: body.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 70, output_tokens: 1 },
    },
  } as never);
  const block = done
    ? [
        ev({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } } as never),
        ev({
          type: "content_block_delta",
          index: 0,
          delta: { type: "text_delta", text: "The command printed hello-from-anthropic. DONE-ANTHROPIC" },
        } as never),
      ]
    : [
        ev({
          type: "content_block_start",
          index: 0,
          content_block: { type: "tool_use", id: "toolu_e2e_1", name: "Bash", input: {} },
        } as never),
        ev({
          type: "content_block_delta",
          index: 0,
          delta: {
            type: "input_json_delta",
            partial_json: JSON.stringify({ command: "echo hello-from-anthropic", description: "Print a greeting" }),
          },
        } as never),
      ];
  const stop = ev({
    type: "message_delta",
    delta: { stop_reason: done ? "end_turn" : "tool_use", stop_sequence: null },
    usage: { output_tokens: 12 },
  } as never);
  return sse([
    start,
    ...block,
    ev({ type: "content_block_stop", index: 0 } as never),
    stop,
    ev({ type: "message_stop" }),
  ]);
}

/** The public Responses API: the same two turns as Responses stream events. */
function responsesReply(req: RecordedRequest) {
  const body = req.json();
  const done = body.input.some((i: { type?: string }) => i.type === "function_call_output");
  const ev = (data: Record<string, unknown>) => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;
  const usage = { input_tokens: 90, output_tokens: 8, total_tokens: 98 };
  const args = JSON.stringify({ command: "echo hello-from-responses", description: "Print a greeting" });
  const item = done
    ? {
        id: "msg_1",
        type: "message",
        role: "assistant",
        status: "completed",
        content: [
          { type: "output_text", text: "The command printed hello-from-responses. DONE-RESPONSES", annotations: [] },
        ],
      }
    : { id: "fc_1", type: "function_call", status: "completed", call_id: "call_resp_1", name: "Bash", arguments: args };
  const events = [ev({ type: "response.created", response: { id: "resp_1", status: "in_progress", output: [] } })];
  if (done) {
    events.push(
      ev({
        type: "response.output_item.added",
        output_index: 0,
        item: { ...item, status: "in_progress", content: [] },
      }),
    );
    events.push(
      ev({
        type: "response.output_text.delta",
        item_id: "msg_1",
        output_index: 0,
        content_index: 0,
        delta: item.content![0]!.text,
      }),
    );
  } else {
    events.push(
      ev({
        type: "response.output_item.added",
        output_index: 0,
        item: { ...item, status: "in_progress", arguments: "" },
      }),
    );
    events.push(ev({ type: "response.function_call_arguments.delta", item_id: "fc_1", output_index: 0, delta: args }));
  }
  events.push(ev({ type: "response.output_item.done", output_index: 0, item }));
  events.push(
    ev({ type: "response.completed", response: { id: "resp_1", status: "completed", output: [item], usage } }),
  );
  return sse(events);
}

/** First turn: call Bash; once a tool result comes back: answer with a marker. */
function reply(req: RecordedRequest) {
  if (req.path === "/v1/responses") return responsesReply(req);
  if (req.path.startsWith("/v1beta/")) return geminiReply(req);
  if (req.path.startsWith("/v1/messages")) return anthropicReply(req);
  const body = req.json();
  const usage = { prompt_tokens: 120, completion_tokens: 9, total_tokens: 129 };
  if (body.messages.some((m: { role: string }) => m.role === "tool")) {
    return sse([
      chunk({ role: "assistant", content: "The command printed hello-from-tool. DONE-MARKER" }),
      chunk({}, "stop", usage),
      "data: [DONE]\n\n",
    ]);
  }
  const call = { index: 0, id: "call_bash_1", type: "function", function: { name: "Bash", arguments: "" } };
  const args = {
    index: 0,
    function: { arguments: JSON.stringify({ command: "echo hello-from-tool", description: "Print a greeting" }) },
  };
  return sse([
    chunk({ role: "assistant", content: null, tool_calls: [call] }),
    chunk({ tool_calls: [args] }),
    chunk({}, "tool_calls", usage),
    "data: [DONE]\n\n",
  ]);
}

beforeAll(async () => {
  up = await startFakeUpstream();
  up.setDefault(reply);
  const config = [
    `[router]\ndefault = "glm"`,
    `[[providers]]\nname = "fake"\nprovider_type = "openai-compatible"\nbase_url = "${up.url}/v1"\napi_key = "k"`,
    `[[providers]]\nname = "gem"\nprovider_type = "gemini"\nbase_url = "${up.url}/v1beta"\napi_key = "gk"`,
    `[[providers]]\nname = "anth"\nprovider_type = "anthropic"\nbase_url = "${up.url}"\napi_key = "ak"`,
    `[[providers]]\nname = "resp"\nprovider_type = "openai-responses"\nbase_url = "${up.url}/v1"\napi_key = "rk"`,
    `[[models]]\nname = "glm"\n[[models.mappings]]\npriority = 1\nprovider = "fake"\nactual_model = "glm-4.6"`,
    `[[models]]\nname = "gemini"\n[[models.mappings]]\npriority = 1\nprovider = "gem"\nactual_model = "gemini-2.5-pro"`,
    `[[models]]\nname = "gpt"\n[[models.mappings]]\npriority = 1\nprovider = "resp"\nactual_model = "gpt-5.1"`,
    `[[models]]\nname = "anth-pt"\n[[models.mappings]]\npriority = 1\nprovider = "anth"\nactual_model = "claude-sonnet-4-6"`,
  ].join("\n");
  server = await startCcmuxServer({ configText: config });
});

afterAll(async () => {
  await server?.stop();
  await up?.stop();
});

/** Runs `claude -p` against ccmux and returns its JSON result. */
const claude = (extra: string[]) => runClaude(server.url, extra);

test("claude -p runs a Bash tool round trip through ccmux to an OpenAI-compatible model", async () => {
  up.clear();
  const result = await claude([]);
  expect(result.is_error).toBe(false);
  expect(result.num_turns).toBe(2);
  expect(result.result).toContain("DONE-MARKER");
  const turns = up.requests.filter((r) => r.path === "/v1/chat/completions").map((r) => r.json());
  expect(turns.length).toBe(2);
  expect(turns[0].tools.some((t: { function: { name: string } }) => t.function.name === "Bash")).toBe(true);
  const toolMsg = turns[1].messages.find((m: { role: string }) => m.role === "tool");
  expect(toolMsg.tool_call_id).toBe("call_bash_1");
  expect(String(toolMsg.content)).toContain("hello-from-tool");
  expect(server.stdout() + server.stderr()).toMatch(
    /→ default → fake\/glm-4\.6 \/v1\/messages (stream|json) 200 \d+ms( \(first byte \d+ms\))? tokens in 120 out 9 /,
  );
}, 60_000);

test("claude -p runs a Bash tool round trip through ccmux to a Gemini model", async () => {
  up.clear();
  const result = await claude(["--model", "gemini"]);
  expect(result.is_error).toBe(false);
  expect(result.num_turns).toBe(2);
  expect(result.result).toContain("DONE-GEMINI");
  const turns = up.requests
    .filter((r) => r.path.startsWith("/v1beta/models/gemini-2.5-pro:streamGenerateContent"))
    .map((r) => r.json());
  expect(turns.length).toBe(2);
  expect(up.requests[0]!.headers["x-goog-api-key"]).toBe("gk");
  const response = turns[1].contents
    .flatMap((c: { parts: unknown[] }) => c.parts)
    .find((p: { functionResponse?: unknown }) => p.functionResponse);
  expect(response.functionResponse.name).toBe("Bash");
  expect(JSON.stringify(response.functionResponse.response)).toContain("hello-from-gemini");
}, 60_000);

test("claude -p runs a Bash tool round trip through ccmux passed through to an Anthropic upstream", async () => {
  up.clear();
  const result = await claude(["--model", "anth-pt"]);
  expect(result.is_error).toBe(false);
  expect(result.num_turns).toBe(2);
  expect(result.result).toContain("DONE-ANTHROPIC");
  const turns = up.requests.filter((r) => r.path.startsWith("/v1/messages"));
  expect(turns.length).toBe(2);
  expect(turns[0]!.headers["x-api-key"]).toBe("ak");
  const second = turns[1]!.json();
  expect(second.model).toBe("claude-sonnet-4-6");
  const toolResult = second.messages.at(-1).content.find((b: { type: string }) => b.type === "tool_result");
  expect(toolResult.tool_use_id).toBe("toolu_e2e_1");
  expect(JSON.stringify(toolResult.content)).toContain("hello-from-anthropic");
}, 60_000);

test("claude -p runs a Bash tool round trip through ccmux to the Responses API", async () => {
  up.clear();
  const result = await claude(["--model", "gpt"]);
  expect(result.is_error).toBe(false);
  expect(result.num_turns).toBe(2);
  expect(result.result).toContain("DONE-RESPONSES");
  const turns = up.requests.filter((r) => r.path === "/v1/responses").map((r) => r.json());
  expect(turns.length).toBe(2);
  expect(turns[0].tools.some((t: { name: string }) => t.name === "Bash")).toBe(true);
  const output = turns[1].input.find((i: { type?: string }) => i.type === "function_call_output");
  expect(output.call_id).toBe("call_resp_1");
  expect(JSON.stringify(output.output)).toContain("hello-from-responses");
}, 60_000);
