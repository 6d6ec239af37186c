import { isRecord } from "../../util/is-record.ts";
import { outputFormatOf } from "../shared/output-format.ts";
import type {
  MessagesRequest,
  TextBlock,
  ThinkingConfig as AnthropicThinking,
  Tool,
  ToolChoice,
} from "../../contracts/anthropic.ts";
import { cleanSchemaForGemini } from "../shared/json-schema.ts";
import { checkTranslatable } from "../shared/request-check.ts";
import { toContents } from "./request-contents.ts";
import type {
  CodeAssistRequest,
  FunctionDeclaration,
  GeminiTool,
  GenerateContentRequest,
  GenerationConfig,
  Part,
  ThinkingConfig,
  ToolConfig,
} from "./types.ts";

export interface GeminiRequestOptions {
  /** The upstream model id. */
  model: string;
  /** Upstream identity for thought signatures (e.g. provider + model); see signature.ts. */
  signatureScope?: string;
}

export interface CodeAssistRequestOptions extends GeminiRequestOptions {
  project?: string;
  /** Defaults to the session_id inside Claude Code's `metadata.user_id` JSON. */
  sessionId?: string;
  promptId: string;
}

const BILLING_HEADER = "x-anthropic-billing-header:";
/** Largest thinking budget any Gemini 2.5 model accepts. */
const MAX_THINKING_BUDGET = 32768;
/** Gemini allows at most five stop sequences. */

/** Anthropic Messages request → Gemini generateContent body (API key and Vertex). Throws RequestError on malformed input. */
export function toGeminiRequest(sent: MessagesRequest, opts: GeminiRequestOptions): GenerateContentRequest {
  const req = checkTranslatable(sent);
  const out: GenerateContentRequest = {
    contents: toContents(req.messages ?? [], {
      signatureScope: opts.signatureScope,
      fallbackSignature: needsCallSignatures(opts.model),
    }),
  };
  const system = systemInstruction(req.system);
  if (system) out.systemInstruction = system;
  const tools = toTools(req.tools);
  if (tools.length > 0) out.tools = tools;
  const toolConfig = toToolConfig(req.tool_choice, tools);
  if (toolConfig) out.toolConfig = toolConfig;
  const generationConfig = toGenerationConfig(req, opts.model);
  if (generationConfig) out.generationConfig = generationConfig;
  return out;
}

/** The Code Assist (cloudcode-pa v1internal) envelope around the same request (protocol.md §5.6). */
export function toCodeAssistRequest(req: MessagesRequest, opts: CodeAssistRequestOptions): CodeAssistRequest {
  const sessionId = opts.sessionId ?? sessionIdFromMetadata(req.metadata);
  return {
    model: opts.model,
    ...(opts.project ? { project: opts.project } : {}),
    user_prompt_id: opts.promptId,
    request: { ...toGeminiRequest(req, opts), ...(sessionId ? { session_id: sessionId } : {}) },
  };
}

function isPreGemini3(model: string): boolean {
  return /gemini-[12][.-]/i.test(model);
}

/** Gemini 3 rejects a model turn whose first functionCall lacks a thought signature; 1.x/2.x do not check. */
function needsCallSignatures(model: string): boolean {
  return !isPreGemini3(model);
}

/** Thinking can be switched off only on 2.x Flash models; Pro and Gemini 3 reject a zero budget. */
function canDisableThinking(model: string): boolean {
  return /flash/i.test(model) && isPreGemini3(model);
}

function systemInstruction(system: MessagesRequest["system"]): GenerateContentRequest["systemInstruction"] {
  const blocks: TextBlock[] = typeof system === "string" ? [{ type: "text", text: system }] : (system ?? []);
  const parts: Part[] = blocks
    .filter((b) => typeof b.text === "string" && b.text.trim() !== "" && !b.text.startsWith(BILLING_HEADER))
    .map((b) => ({ text: b.text }));
  return parts.length > 0 ? { role: "user", parts } : undefined;
}

function toTools(tools: Tool[] | undefined): GeminiTool[] {
  const declarations: FunctionDeclaration[] = [];
  const builtIns: GeminiTool[] = [];
  for (const tool of tools ?? []) {
    const type = tool.type ?? "custom";
    if (type === "custom") declarations.push(toDeclaration(tool));
    else if (type.startsWith("web_search") && !builtIns.some((t) => "googleSearch" in t))
      builtIns.push({ googleSearch: {} });
    else if (type.startsWith("web_fetch") && !builtIns.some((t) => "urlContext" in t))
      builtIns.push({ urlContext: {} });
  }
  return declarations.length > 0 ? [{ functionDeclarations: declarations }, ...builtIns] : builtIns;
}

/** Argument-less tools get no `parameters`: Gemini rejects an OBJECT with empty properties. */
function toDeclaration(tool: Tool): FunctionDeclaration {
  const declaration: FunctionDeclaration = { name: tool.name };
  if (typeof tool.description === "string" && tool.description !== "") declaration.description = tool.description;
  const parameters = cleanSchemaForGemini(tool.input_schema ?? {}, `tool "${tool.name}"`);
  if (parameters.properties) declaration.parameters = { ...parameters, type: "object" };
  return declaration;
}

function toToolConfig(choice: ToolChoice | undefined, tools: GeminiTool[]): ToolConfig | undefined {
  if (!choice || !tools.some((t) => "functionDeclarations" in t)) return undefined;
  switch (choice.type) {
    case "auto":
      return { functionCallingConfig: { mode: "AUTO" } };
    case "any":
      return { functionCallingConfig: { mode: "ANY" } };
    case "none":
      return { functionCallingConfig: { mode: "NONE" } };
    case "tool":
      return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.name] } };
    default:
      return undefined;
  }
}

function toGenerationConfig(req: MessagesRequest, model: string): GenerationConfig | undefined {
  const config: GenerationConfig = {};
  if (typeof req.max_tokens === "number") config.maxOutputTokens = req.max_tokens;
  if (typeof req.temperature === "number") config.temperature = req.temperature;
  if (typeof req.top_p === "number") config.topP = req.top_p;
  if (typeof req.top_k === "number") config.topK = req.top_k;
  // stop_sequences are not sent: Gemini answers STOP either way, so ccmux finds the match itself.
  const thinking = toThinkingConfig(req.thinking, model);
  if (thinking) config.thinkingConfig = thinking;
  const format = outputFormatOf(req.output_config);
  if (format) config.responseMimeType = "application/json";
  if (format?.type === "json_schema")
    config.responseSchema = cleanSchemaForGemini(format.schema, "output_config.format.schema");
  return Object.keys(config).length > 0 ? config : undefined;
}

/**
 * enabled+budget → that budget; adaptive (or enabled without one) → dynamic (-1); disabled → 0
 * where the model allows it, otherwise the model's default. `display:"omitted"` hides thoughts.
 */
function toThinkingConfig(thinking: AnthropicThinking | undefined, model: string): ThinkingConfig | undefined {
  if (!thinking) return undefined;
  if (thinking.type === "disabled") return canDisableThinking(model) ? { thinkingBudget: 0 } : undefined;
  if (thinking.type !== "enabled" && thinking.type !== "adaptive") return undefined;
  const budget =
    thinking.type === "enabled" && typeof thinking.budget_tokens === "number"
      ? Math.min(Math.max(0, Math.floor(thinking.budget_tokens)), MAX_THINKING_BUDGET)
      : -1;
  return { includeThoughts: thinking.display !== "omitted", thinkingBudget: budget };
}

function sessionIdFromMetadata(metadata: Record<string, unknown> | undefined): string | undefined {
  if (typeof metadata?.user_id !== "string") return undefined;
  try {
    const parsed: unknown = JSON.parse(metadata.user_id);
    if (!isRecord(parsed)) return undefined;
    return typeof parsed.session_id === "string" && parsed.session_id !== "" ? parsed.session_id : undefined;
  } catch {
    return undefined;
  }
}
