// Shared by the `ccmux code` first-try tests and the README walkthrough: a fake upstream that answers
// Claude Code in Anthropic or OpenAI shape, and a PATH where `claude` is the pinned real CLI.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLAUDE_COMMAND } from "./claude-cli.ts";
import { json, sse, type RecordedRequest } from "./fake-upstream.ts";

const ev = (data: { type: string }) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;

function anthropicAnswer(req: RecordedRequest, text: string) {
  const body = req.json();
  const message = {
    id: "msg_first_try",
    type: "message",
    role: "assistant",
    model: body.model,
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 3 },
  };
  if (!body.stream) return json(message);
  return sse([
    ev({ type: "message_start", message: { ...message, content: [], stop_reason: null } } as never),
    ev({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } } as never),
    ev({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } } as never),
    ev({ type: "content_block_stop", index: 0 } as never),
    ev({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 3 } } as never),
    ev({ type: "message_stop" }),
  ]);
}

function openaiAnswer(req: RecordedRequest, text: string) {
  const body = req.json();
  const usage = { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 };
  const choice = { index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" };
  if (!body.stream)
    return json({ id: "c1", object: "chat.completion", created: 1, model: body.model, choices: [choice], usage });
  const chunk = (delta: object, finish: string | null, extra: object = {}) =>
    `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
  return sse([chunk({ role: "assistant", content: text }, null), chunk({}, "stop", { usage }), "data: [DONE]\n\n"]);
}

/** Answers every Messages or Chat Completions request with `text`. */
export function answerWith(text: string) {
  return (req: RecordedRequest) =>
    req.path.startsWith("/v1/chat/completions") ? openaiAnswer(req, text) : anthropicAnswer(req, text);
}

/** A directory holding `claude` (the pinned CLI through node, or CCMUX_CLAUDE_BIN), to put first on PATH. */
export function claudeOnPath(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const shim = join(dir, "claude");
  writeFileSync(shim, `#!/bin/sh\nexec ${CLAUDE_COMMAND.map((a) => `'${a}'`).join(" ")} "$@"\n`);
  chmodSync(shim, 0o755);
  return `${dir}:${process.env.PATH}`;
}

/** The env that keeps Claude Code quiet and local: no telemetry, no updater, a HOME with no login in it. */
export function quietClaudeEnv(home: string): Record<string, string> {
  mkdirSync(home, { recursive: true });
  return {
    HOME: home,
    DISABLE_TELEMETRY: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_ERROR_REPORTING: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  };
}
