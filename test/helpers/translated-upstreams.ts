// Shared bits for the tests that drive translating upstreams (Codex/Responses, Gemini, Code Assist, Vertex).
import { Buffer } from "node:buffer";
import type { CredentialSource, Credentials } from "../../src/contracts/adapter.ts";
import { parseSse } from "./sse.ts";

/** What the Anthropic backup provider answers in failover tests. */
export const BACKUP_MESSAGE = {
  id: "msg_backup",
  type: "message",
  role: "assistant",
  model: "backup",
  content: [{ type: "text", text: "from backup" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 1, output_tokens: 1 },
};

/** A 1×1 transparent PNG. */
export const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

export const SHELL_TOOL = {
  name: "shell",
  description: "Runs a shell command and returns its output.",
  input_schema: {
    $schema: "http://json-schema.org/draft-07/schema#",
    type: "object" as const,
    properties: { command: { type: "array", items: { type: "string" } }, workdir: { type: "string" } },
    required: ["command"],
    additionalProperties: false,
  },
};

/** An unsigned JWT with these claims (upstreams' tokens are only decoded by ccmux, never verified). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.sig`;
}

/** A credential source that counts refreshes and hands out the next token after each one. */
export function countingSource(
  tokens: Credentials[],
): Required<CredentialSource> & { refreshes: number; gets: number } {
  let current = 0;
  const source = {
    refreshes: 0,
    gets: 0,
    async get() {
      source.gets++;
      return tokens[current]!;
    },
    async refresh() {
      source.refreshes++;
      current = Math.min(current + 1, tokens.length - 1);
      return tokens[current]!;
    },
  };
  return source;
}

/** The SSE records of a fixture whose data `type` passes `keep`, re-serialised byte-exact. */
export function sseRecords(text: string, keep: (data: any, index: number) => boolean): string {
  return parseSse(text)
    .filter((e, i) => keep(JSON.parse(e.data), i))
    .map((e) => `${e.event === undefined ? "" : `event: ${e.event}\n`}data: ${e.data}\n\n`)
    .join("");
}

/** One Responses SSE record. */
export function responsesEvent(data: Record<string, unknown>): string {
  return `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The `response` object of the fixture's `response.completed` event (a non-streaming body). */
export function completedResponse(text: string): Record<string, unknown> {
  const done = parseSse(text)
    .map((e) => JSON.parse(e.data))
    .find((d) => d.type === "response.completed");
  if (!done) throw new Error("fixture has no response.completed");
  return done.response;
}
