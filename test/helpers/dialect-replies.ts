// One scripted model turn, answered in whichever wire dialect the request arrived in (Chat
// Completions, Gemini, Responses, Anthropic), streamed or whole. Used by the SDK-driven tests and
// the real-client e2e matrix, so every dialect plays exactly the same script.
import { json, sse, type Reply } from "./fake-replies.ts";
import type { RecordedRequest } from "./fake-upstream-types.ts";

export interface ScriptCall {
  /** The upstream's call id (Gemini's optional functionCall.id included). */
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface ScriptTurn {
  /** Text, in the chunks it streams in (so tests can split strings across chunk boundaries). */
  text?: string[];
  calls?: ScriptCall[];
  usage?: { input: number; output: number };
}

export type Dialect = "openai-chat" | "gemini" | "responses" | "anthropic";

export function dialectOf(req: RecordedRequest): Dialect {
  if (req.path.startsWith("/v1/chat/completions")) return "openai-chat";
  if (req.path.startsWith("/v1beta/")) return "gemini";
  if (req.path.startsWith("/v1/responses")) return "responses";
  return "anthropic";
}

export function isStreamRequest(req: RecordedRequest): boolean {
  if (dialectOf(req) === "gemini") return req.path.includes(":streamGenerateContent");
  return req.json().stream === true;
}

const USAGE = { input: 100, output: 20 };

/** The reply to `req` playing `turn` in the request's own dialect. */
export function replyInDialect(req: RecordedRequest, turn: ScriptTurn): Reply {
  const stream = isStreamRequest(req);
  const model = String(req.json().model ?? "upstream-model");
  switch (dialectOf(req)) {
    case "openai-chat":
      return stream ? sse(chatChunks(turn)) : json(chatJson(turn));
    case "gemini":
      return stream ? sse(geminiChunks(turn)) : json(geminiJson(turn));
    case "responses":
      return stream ? sse(responsesEvents(turn)) : json(responsesJson(turn));
    case "anthropic":
      return stream ? sse(anthropicEvents(turn, model)) : json(anthropicJson(turn, model));
  }
}

/** A scripted tool loop: the call first; once a tool result is back (in any dialect), the answer. */
export function callThenAnswer(turns: { call: ScriptTurn; answer: ScriptTurn }): (req: RecordedRequest) => Reply {
  return (req) => {
    const seen = JSON.stringify(req.json());
    const back = /functionResponse|function_call_output|"role":"tool"|tool_result/.test(seen);
    return replyInDialect(req, back ? turns.answer : turns.call);
  };
}

const data = (body: unknown) => `data: ${JSON.stringify(body)}\n\n`;
const named = (body: { type: string }) => `event: ${body.type}\ndata: ${JSON.stringify(body)}\n\n`;
const fullText = (turn: ScriptTurn) => (turn.text ?? []).join("");

function chatChunks(turn: ScriptTurn): string[] {
  const u = turn.usage ?? USAGE;
  const chunk = (delta: object, finish: string | null = null, usage?: object) =>
    data({
      id: "chatcmpl-1",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [{ index: 0, delta, finish_reason: finish }],
      ...(usage ? { usage } : {}),
    });
  const out = [chunk({ role: "assistant", content: "" })];
  for (const piece of turn.text ?? []) out.push(chunk({ content: piece }));
  (turn.calls ?? []).forEach((c, index) => {
    out.push(chunk({ tool_calls: [{ index, id: c.id, type: "function", function: { name: c.name, arguments: "" } }] }));
    out.push(chunk({ tool_calls: [{ index, function: { arguments: JSON.stringify(c.input) } }] }));
  });
  const usage = { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output };
  out.push(chunk({}, turn.calls?.length ? "tool_calls" : "stop"));
  out.push(data({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "m", choices: [], usage }));
  out.push("data: [DONE]\n\n");
  return out;
}

function chatJson(turn: ScriptTurn): object {
  const u = turn.usage ?? USAGE;
  const calls = (turn.calls ?? []).map((c) => ({
    id: c.id,
    type: "function",
    function: { name: c.name, arguments: JSON.stringify(c.input) },
  }));
  const message = {
    role: "assistant",
    content: fullText(turn) || null,
    ...(calls.length ? { tool_calls: calls } : {}),
  };
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model: "m",
    choices: [{ index: 0, message, finish_reason: calls.length ? "tool_calls" : "stop" }],
    usage: { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output },
  };
}

function geminiCallParts(turn: ScriptTurn): object[] {
  return (turn.calls ?? []).map((c) => ({ functionCall: { id: c.id, name: c.name, args: c.input } }));
}

function geminiUsage(turn: ScriptTurn): object {
  const u = turn.usage ?? USAGE;
  return { promptTokenCount: u.input, candidatesTokenCount: u.output, totalTokenCount: u.input + u.output };
}

/** CRLF-framed, as Google sends them; usage rides on every chunk, the finish on the last. */
function geminiChunks(turn: ScriptTurn): string[] {
  const pieces: object[][] = (turn.text ?? []).map((t) => [{ text: t }]);
  const calls = geminiCallParts(turn);
  if (calls.length > 0 || pieces.length === 0) pieces.push(calls);
  return pieces.map((parts, i) => {
    const last = i === pieces.length - 1;
    const candidate = { content: { role: "model", parts }, index: 0, ...(last ? { finishReason: "STOP" } : {}) };
    return `data: ${JSON.stringify({ candidates: [candidate], usageMetadata: geminiUsage(turn) })}\r\n\r\n`;
  });
}

function geminiJson(turn: ScriptTurn): object {
  const text = fullText(turn);
  const parts = [...(text ? [{ text }] : []), ...geminiCallParts(turn)];
  return {
    candidates: [{ content: { role: "model", parts }, finishReason: "STOP", index: 0 }],
    usageMetadata: geminiUsage(turn),
  };
}

function responsesItems(turn: ScriptTurn): Record<string, unknown>[] {
  const text = fullText(turn);
  const message = {
    id: "msg_1",
    type: "message",
    role: "assistant",
    status: "completed",
    content: [{ type: "output_text", text, annotations: [] }],
  };
  const calls = (turn.calls ?? []).map((c, i) => ({
    id: `fc_${i}`,
    type: "function_call",
    status: "completed",
    call_id: c.id,
    name: c.name,
    arguments: JSON.stringify(c.input),
  }));
  return [...(text ? [message] : []), ...calls];
}

function responsesUsage(turn: ScriptTurn): object {
  const u = turn.usage ?? USAGE;
  return { input_tokens: u.input, output_tokens: u.output, total_tokens: u.input + u.output };
}

function responsesEvents(turn: ScriptTurn): string[] {
  const items = responsesItems(turn);
  const out = [
    named({ type: "response.created", response: { id: "resp_1", status: "in_progress", output: [] } } as never),
  ];
  items.forEach((item, output_index) => {
    if (item.type === "message") {
      out.push(named({ type: "response.output_item.added", output_index, item: { ...item, content: [] } } as never));
      for (const delta of turn.text ?? [])
        out.push(
          named({
            type: "response.output_text.delta",
            item_id: item.id,
            output_index,
            content_index: 0,
            delta,
          } as never),
        );
    } else {
      out.push(named({ type: "response.output_item.added", output_index, item: { ...item, arguments: "" } } as never));
      out.push(
        named({
          type: "response.function_call_arguments.delta",
          item_id: item.id,
          output_index,
          delta: item.arguments,
        } as never),
      );
    }
    out.push(named({ type: "response.output_item.done", output_index, item } as never));
  });
  const response = { id: "resp_1", status: "completed", output: items, usage: responsesUsage(turn) };
  out.push(named({ type: "response.completed", response } as never));
  return out;
}

function responsesJson(turn: ScriptTurn): object {
  return {
    id: "resp_1",
    object: "response",
    status: "completed",
    model: "m",
    output: responsesItems(turn),
    usage: responsesUsage(turn),
  };
}

function anthropicBlocks(turn: ScriptTurn): Record<string, unknown>[] {
  const text = fullText(turn);
  const calls = (turn.calls ?? []).map((c) => ({ type: "tool_use", id: c.id, name: c.name, input: c.input }));
  return [...(text ? [{ type: "text", text }] : []), ...calls];
}

function anthropicJson(turn: ScriptTurn, model: string): object {
  const u = turn.usage ?? USAGE;
  return {
    id: "msg_up",
    type: "message",
    role: "assistant",
    model,
    content: anthropicBlocks(turn),
    stop_reason: turn.calls?.length ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage: { input_tokens: u.input, output_tokens: u.output },
  };
}

function anthropicEvents(turn: ScriptTurn, model: string): string[] {
  const u = turn.usage ?? USAGE;
  const message = {
    ...anthropicJson(turn, model),
    content: [],
    stop_reason: null,
    usage: { input_tokens: u.input, output_tokens: 1 },
  };
  const out = [named({ type: "message_start", message } as never)];
  let index = 0;
  if (turn.text?.length) {
    out.push(named({ type: "content_block_start", index, content_block: { type: "text", text: "" } } as never));
    for (const text of turn.text)
      out.push(named({ type: "content_block_delta", index, delta: { type: "text_delta", text } } as never));
    out.push(named({ type: "content_block_stop", index: index++ } as never));
  }
  for (const c of turn.calls ?? []) {
    const block = { type: "tool_use", id: c.id, name: c.name, input: {} };
    out.push(named({ type: "content_block_start", index, content_block: block } as never));
    const delta = { type: "input_json_delta", partial_json: JSON.stringify(c.input) };
    out.push(named({ type: "content_block_delta", index, delta } as never));
    out.push(named({ type: "content_block_stop", index: index++ } as never));
  }
  const stop = turn.calls?.length ? "tool_use" : "end_turn";
  out.push(
    named({
      type: "message_delta",
      delta: { stop_reason: stop, stop_sequence: null },
      usage: { output_tokens: u.output },
    } as never),
  );
  out.push(named({ type: "message_stop" }));
  return out;
}
