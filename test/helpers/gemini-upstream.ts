// Gemini-protocol replies for the Gemini, Code Assist and Vertex integration tests.
import { readFixtureJson } from "./sse.ts";

/** `streamGenerateContent?alt=sse` body, CRLF-framed as Google sends it; Code Assist wraps each chunk. */
export function geminiSse(chunks: unknown[], codeAssist = false): string {
  return chunks
    .map((c) => `data: ${JSON.stringify(codeAssist ? { response: c, traceId: "trace-1" } : c)}\r\n\r\n`)
    .join("");
}

/** A thought chunk, then the fixture's text + two functionCall parts (the first signed) with finishReason. */
export function functionCallStream(codeAssist = false): string {
  const full = readFixtureJson("gemini/response-function-call.json");
  const thought = {
    candidates: [
      {
        content: {
          role: "model",
          parts: [{ text: "**Reading the config**\n\nThe target lives in tsconfig.", thought: true }],
        },
        index: 0,
      },
    ],
    usageMetadata: { promptTokenCount: 1893, thoughtsTokenCount: 68, totalTokenCount: 1961 },
  };
  return geminiSse([thought, full], codeAssist);
}

/** A Google 429 RESOURCE_EXHAUSTED body with RetryInfo. */
export function QUOTA_429(retryDelay: string): Record<string, unknown> {
  return {
    error: {
      code: 429,
      message: "Resource has been exhausted (e.g. check quota).",
      status: "RESOURCE_EXHAUSTED",
      details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay }],
    },
  };
}

interface Turn {
  messages: unknown[];
  [k: string]: unknown;
}

/** The next request after `first` asked for Read and Grep: its content replayed, Read answered, Grep failed. */
export function toolRoundTrip<T extends Turn>(turn: T, first: { content: any[] }): T {
  const results = first.content
    .filter((b) => b.type === "tool_use")
    .map((b) =>
      b.name === "Read"
        ? { type: "tool_result", tool_use_id: b.id, content: '{ "compilerOptions": { "target": "ES2019" } }' }
        : { type: "tool_result", tool_use_id: b.id, content: "no matches", is_error: true },
    );
  return {
    ...turn,
    messages: [...turn.messages, { role: "assistant", content: first.content }, { role: "user", content: results }],
  };
}
