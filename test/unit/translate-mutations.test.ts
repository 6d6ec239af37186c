// Property: whatever a client sends, every request translator either translates it (into something that
// serialises) or throws the typed client error (RequestError → a 400 in the client's shape, never retried,
// never counted against a provider). Random, seeded mutations of the request fixtures; anything else fails.
import { describe, expect, test } from "bun:test";
import type { MessagesRequest } from "../../src/contracts/anthropic.ts";
import { parseMessagesRequest } from "../../src/edge/parse-body.ts";
import { stripForeignThinking } from "../../src/translate/anthropic/strip-foreign-thinking.ts";
import { renameTools } from "../../src/translate/anthropic/tool-names.ts";
import { toCodeAssistRequest, toGeminiRequest } from "../../src/translate/gemini/request.ts";
import { fromOpenAIRequest } from "../../src/translate/openai-chat/front-door/request.ts";
import { toChatRequest } from "../../src/translate/openai-chat/request.ts";
import { toResponsesRequest } from "../../src/translate/responses/request.ts";
import { fitName } from "../../src/translate/shared/short-name.ts";
import { RequestError } from "../../src/util/errors.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";
import {
  type Container,
  type Json,
  mutants,
  WRONG_VALUES,
  type MutationVocabulary,
} from "../helpers/json-mutations.ts";
import { readFixtureJson } from "../helpers/sse.ts";

boundTestsForBusyMachine();

const CASES_PER_SEED = 120;
/** MUTATION_SEED=<n> explores other mutants; the default keeps the suite deterministic. */
const SEED = Number(process.env.MUTATION_SEED ?? 0x11b);

type Translate = (req: any) => unknown;

/** Anthropic request → upstream request, for every dialect and the options that change what is read. */
const ANTHROPIC_TRANSLATORS: Record<string, Translate> = {
  "gemini 2.5": (r) => toGeminiRequest(r, { model: "gemini-2.5-flash", signatureScope: "g/gemini-2.5-flash" }),
  "gemini 3": (r) => toGeminiRequest(r, { model: "gemini-3-pro-preview" }),
  "code assist": (r) => toCodeAssistRequest(r, { model: "gemini-2.5-pro", promptId: "p", project: "proj" }),
  "chat openai gpt-5": (r) => toChatRequest(r, { model: "gpt-5", providerType: "openai" }),
  "chat deepseek": (r) => toChatRequest(r, { model: "deepseek-chat", providerType: "deepseek" }),
  "chat openrouter, no images": (r) =>
    toChatRequest(r, { model: "x/y", providerType: "openrouter", supportsImages: false, log: () => {} }),
  "responses codex": (r) => toResponsesRequest(r, { model: "gpt-5-codex", codex: true, sessionId: "s" }),
  "responses api": (r) => toResponsesRequest(r, { model: "gpt-4.1", codex: false }),
};

/** Helpers on the pass-through path: they see requests only after the edge accepted them. */
const AFTER_EDGE: Record<string, Translate> = {
  // As the subscription wire shape renames: a prefix for all but MCP tools, fitted to a length.
  "anthropic tool renaming": (r) =>
    renameTools(r, (name) => (name.startsWith("mcp__") ? undefined : fitName(`p_${name}`, 16))),
  "anthropic foreign thinking": (r) => stripForeignThinking(r),
};

const ANTHROPIC_VOCABULARY: MutationVocabulary = {
  values: WRONG_VALUES,
  keys: [
    "type",
    "text",
    "source",
    "data",
    "media_type",
    "url",
    "file_id",
    "content",
    "id",
    "name",
    "input",
    "tool_use_id",
    "is_error",
    "thinking",
    "signature",
    "title",
    "role",
    "messages",
    "system",
    "tools",
    "tool_choice",
    "stop_sequences",
    "max_tokens",
    "temperature",
    "top_p",
    "top_k",
    "metadata",
    "user_id",
    "output_config",
    "format",
    "schema",
    "effort",
    "input_schema",
    "description",
    "budget_tokens",
    "display",
    "$ref",
    "properties",
    "items",
    "allOf",
    "anyOf",
    "oneOf",
    "enum",
    "const",
    "required",
    "$defs",
    "__proto__",
    "disable_parallel_tool_use",
    "stream",
  ],
  types: [
    "text",
    "image",
    "document",
    "tool_use",
    "tool_result",
    "thinking",
    "redacted_thinking",
    "search_result",
    "server_tool_use",
    "base64",
    "url",
    "file",
    "content",
    "auto",
    "any",
    "none",
    "tool",
    "custom",
    "web_search_20250305",
    "json_schema",
    "enabled",
    "adaptive",
    "disabled",
    "object",
    "array",
    "string",
    "",
  ],
};

const OPENAI_VOCABULARY: MutationVocabulary = {
  values: WRONG_VALUES,
  keys: [
    "model",
    "messages",
    "role",
    "content",
    "type",
    "text",
    "refusal",
    "image_url",
    "url",
    "tool_calls",
    "id",
    "function",
    "name",
    "arguments",
    "tool_call_id",
    "tools",
    "parameters",
    "description",
    "tool_choice",
    "parallel_tool_calls",
    "stop",
    "max_tokens",
    "max_completion_tokens",
    "n",
    "temperature",
    "top_p",
    "reasoning_effort",
    "response_format",
    "json_schema",
    "schema",
    "user",
    "stream",
    "stream_options",
  ],
  types: ["text", "image_url", "refusal", "function", "json_schema", "json_object", "user", "tool", "x"],
};

const PNG = "iVBORw0KGgo=";

/** The Claude Code fixture plus every block kind the translators read (images, documents, search results, …). */
function richRequest(base: MessagesRequest): MessagesRequest {
  return {
    ...base,
    tool_choice: { type: "tool", name: "Bash", disable_parallel_tool_use: true },
    stop_sequences: ["\n\nHuman:"],
    temperature: 0.5,
    messages: [
      ...base.messages,
      {
        role: "assistant",
        content: [
          { type: "redacted_thinking", data: "opaque" },
          { type: "text", text: "Look:" },
        ],
      },
      {
        role: "user",
        content: [
          { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
          { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
          { type: "document", source: { type: "text", media_type: "text/plain", data: "notes" }, title: "n" },
          { type: "document", source: { type: "content", content: [{ type: "text", text: "inner" }] } },
          { type: "document", source: { type: "base64", media_type: "application/pdf", data: PNG } },
          { type: "search_result", source: "https://example.com", title: "r", content: [{ type: "text", text: "t" }] },
          { type: "text", text: "What do these show?" },
        ],
      },
    ],
  };
}

function anthropicSeeds(): [string, MessagesRequest][] {
  const claudeCode = readFixtureJson<MessagesRequest>("anthropic/request-claude-code.json");
  const routing = readFixtureJson<{ requests: { body: MessagesRequest }[] }>("claude-code/routing-requests.json");
  return [
    ["request-claude-code", claudeCode],
    ["request-claude-code + every block kind", richRequest(claudeCode)],
    ["request-claude-code-websearch", readFixtureJson("anthropic/request-claude-code-websearch.json")],
    ["request-claude-code-haiku-title", readFixtureJson("anthropic/request-claude-code-haiku-title.json")],
    ["routing-requests[0]", routing.requests[0]!.body],
  ];
}

/** Chat Completions requests as OpenAI clients send them: the Anthropic seeds translated, plus one with images. */
function openAISeeds(): [string, unknown][] {
  // The web search request carries only a server tool, which Chat Completions cannot take.
  const translatable = anthropicSeeds().filter(([name]) => !name.includes("websearch"));
  const translated = translatable.map(([name, req]): [string, unknown] => [
    `${name} as Chat Completions`,
    toChatRequest(req, { model: "sonnet", providerType: "openai-compatible", log: () => {} }),
  ]);
  const extra = {
    model: "sonnet",
    messages: [
      { role: "developer", content: "Be brief." },
      {
        role: "user",
        content: [
          { type: "text", text: "hi" },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
        ],
      },
    ],
    stop: "END",
    reasoning_effort: "low",
    response_format: { type: "json_schema", json_schema: { name: "o", schema: { type: "object" } } },
    user: "u1",
    parallel_tool_calls: false,
  };
  return [...translated, ["chat with image, stop, effort, response_format", extra]];
}

interface Failure {
  translator: string;
  seed: string;
  changes: string[];
  error: string;
}

/** Runs `translate`; anything thrown other than a RequestError is a failure, and so is output that does not serialise. */
function attempt(failures: Failure[], translator: string, seed: string, changes: string[], translate: () => unknown) {
  try {
    JSON.stringify(translate());
  } catch (err) {
    if (err instanceof RequestError && err.status === 400) return false;
    failures.push({
      translator,
      seed,
      changes,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    });
  }
  return true;
}

/** The edge's own parse: a mutant it refuses never reaches the pass-through helpers. */
function passesEdge(value: Json): MessagesRequest | undefined {
  try {
    return parseMessagesRequest(JSON.stringify(value));
  } catch (err) {
    if (err instanceof RequestError) return undefined;
    throw err;
  }
}

describe("random mutations of the request fixtures through every translator raise only RequestError", () => {
  test("Anthropic requests → Gemini, Code Assist, Chat Completions, Responses (and the pass-through helpers)", () => {
    const failures: Failure[] = [];
    let translated = 0;
    for (const [i, [seed, request]] of anthropicSeeds().entries()) {
      for (const { value, changes } of mutants(
        request as unknown as Json,
        CASES_PER_SEED,
        SEED + i,
        ANTHROPIC_VOCABULARY,
      )) {
        for (const [name, translate] of Object.entries(ANTHROPIC_TRANSLATORS))
          if (attempt(failures, name, seed, changes, () => translate(value))) translated++;
        const accepted = passesEdge(value);
        if (!accepted) continue;
        for (const [name, translate] of Object.entries(AFTER_EDGE))
          attempt(failures, name, seed, changes, () => translate(accepted));
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    // The property means something only if many mutants are still translated, not all refused.
    expect(translated).toBeGreaterThan(1500);
  });

  test("OpenAI Chat Completions requests → the front door's Anthropic request → every translator", () => {
    const failures: Failure[] = [];
    let accepted = 0;
    for (const [i, [seed, request]] of openAISeeds().entries()) {
      for (const { value, changes } of mutants(
        request as Container,
        CASES_PER_SEED,
        SEED + 100 + i,
        OPENAI_VOCABULARY,
      )) {
        let anthropic: MessagesRequest | undefined;
        attempt(failures, "front door", seed, changes, () => (anthropic = fromOpenAIRequest(value)));
        if (!anthropic) continue;
        accepted++;
        const req = anthropic;
        for (const [name, translate] of Object.entries(ANTHROPIC_TRANSLATORS))
          attempt(failures, `front door → ${name}`, seed, changes, () => translate(req));
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(accepted).toBeGreaterThan(150);
  });

  test("the same seed gives the same mutants", () => {
    const [, request] = anthropicSeeds()[0]!;
    const a = mutants(request as unknown as Container, 20, SEED, ANTHROPIC_VOCABULARY);
    const b = mutants(request as unknown as Container, 20, SEED, ANTHROPIC_VOCABULARY);
    expect(a.map((m) => m.changes)).toEqual(b.map((m) => m.changes));
    expect(JSON.stringify(a.map((m) => m.value))).toBe(JSON.stringify(b.map((m) => m.value)));
  });
});
