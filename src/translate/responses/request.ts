import { outputFormatOf } from "../shared/output-format.ts";
import type { MessagesRequest, TextBlock, Tool, ToolChoice } from "../../contracts/anthropic.ts";
import { checkTranslatable } from "../shared/request-check.ts";
import { toChatTools } from "../shared/tools.ts";
import { CODEX_INSTRUCTIONS } from "./codex-instructions.ts";
import { developerMessage, toInputItems } from "./request-input.ts";
import type { FunctionTool, InputItem, ReasoningEffort, ResponsesRequest } from "./types.ts";

export { CODEX_INSTRUCTIONS };

export interface ResponsesRequestOptions {
  /** The upstream model id. */
  model: string;
  /** true for the ChatGPT Codex endpoint (chatgpt.com/backend-api/codex/responses). */
  codex: boolean;
  /** Fixed `instructions`; the client's system prompt then moves to a leading developer message. */
  instructions?: string;
  /** Conversation id, sent as prompt_cache_key. */
  sessionId?: string;
}

/** Claude Code's per-request attribution line; it changes every turn and would defeat prefix caching. */
const BILLING_HEADER = "x-anthropic-billing-header:";

/** Anthropic Messages request → Responses request body (public API or the Codex endpoint). Throws RequestError on malformed input. */
export function toResponsesRequest(sent: MessagesRequest, opts: ResponsesRequestOptions): ResponsesRequest {
  const req = checkTranslatable(sent);
  const system = systemText(req.system);
  const fixed = opts.instructions ?? (opts.codex ? CODEX_INSTRUCTIONS : undefined);
  const input: InputItem[] = [];
  if (fixed !== undefined && system !== "") input.push(developerMessage(system));
  input.push(...toInputItems(Array.isArray(req.messages) ? req.messages : []));

  const body: ResponsesRequest = { model: opts.model, input, store: false, stream: opts.codex || req.stream === true };
  const instructions = fixed ?? system;
  if (instructions !== "") body.instructions = instructions;
  Object.assign(body, toResponsesTools(req.tools, req.tool_choice));
  const effort = isReasoningModel(opts.model) ? reasoningEffort(req) : undefined;
  if (effort) {
    body.reasoning = { effort, summary: "auto" };
    body.include = ["reasoning.encrypted_content"];
  }
  if (opts.sessionId) body.prompt_cache_key = opts.sessionId;
  if (!opts.codex) Object.assign(body, samplingFields(req, opts.model));
  const format = textFormat(req);
  if (format) body.text = { format };
  return body;
}

export function systemText(system: MessagesRequest["system"]): string {
  if (typeof system === "string") return system.startsWith(BILLING_HEADER) ? "" : system;
  if (!Array.isArray(system)) return "";
  return system
    .filter(
      (b: TextBlock) =>
        b?.type === "text" && typeof b.text === "string" && b.text !== "" && !b.text.startsWith(BILLING_HEADER),
    )
    .map((b) => b.text)
    .join("\n");
}

type ToolFields = Pick<ResponsesRequest, "tools" | "tool_choice" | "parallel_tool_calls">;

/** Same rules as Chat Completions (server tools dropped, or a 400 when alone), reshaped flat. */
export function toResponsesTools(tools: Tool[] | undefined, choice: ToolChoice | undefined): ToolFields {
  const chat = toChatTools(tools, choice);
  if (!chat.tools) return {};
  const out: ToolFields = {
    tools: chat.tools.map((t): FunctionTool => ({ type: "function", ...t.function, strict: false })),
    tool_choice:
      typeof chat.tool_choice === "object"
        ? { type: "function", name: chat.tool_choice.function.name }
        : (chat.tool_choice ?? "auto"),
  };
  if (chat.parallel_tool_calls === false) out.parallel_tool_calls = false;
  return out;
}

/** Chat-only families reject `reasoning` (and reasoning models reject temperature/top_p). */
export function isReasoningModel(model: string): boolean {
  return !/^(gpt-3|gpt-4|chatgpt-)|-chat(-latest)?$/i.test(model);
}

/** xhigh/max are clamped: several Responses models reject "xhigh", and a rejected request is worse than less effort. */
const EFFORT_BY_LEVEL: Record<string, ReasoningEffort> = {
  low: "low",
  medium: "medium",
  high: "high",
  xhigh: "high",
  max: "high",
};

/** thinking + output_config.effort → reasoning.effort; undefined when thinking is off or absent. */
export function reasoningEffort(req: MessagesRequest): ReasoningEffort | undefined {
  const thinking = req.thinking;
  if (thinking?.type === "disabled") return undefined;
  const level = req.output_config?.effort;
  if (typeof level === "string" && Object.hasOwn(EFFORT_BY_LEVEL, level)) return EFFORT_BY_LEVEL[level];
  if (thinking?.type === "enabled") {
    const budget = typeof thinking.budget_tokens === "number" ? thinking.budget_tokens : 0;
    return budget >= 16_000 ? "high" : budget >= 4_000 ? "medium" : "low";
  }
  return thinking?.type === "adaptive" ? "medium" : undefined;
}

/** Public API only: the Codex endpoint rejects max_output_tokens and sampling knobs. */
function samplingFields(req: MessagesRequest, model: string): Partial<ResponsesRequest> {
  const out: Partial<ResponsesRequest> = {};
  if (typeof req.max_tokens === "number") out.max_output_tokens = Math.max(16, req.max_tokens);
  if (isReasoningModel(model)) return out;
  if (typeof req.temperature === "number") out.temperature = req.temperature;
  if (typeof req.top_p === "number") out.top_p = req.top_p;
  return out;
}

function textFormat(req: MessagesRequest): Record<string, unknown> | undefined {
  const format = outputFormatOf(req.output_config);
  if (format?.type === "json_object") return { type: "json_object" };
  return format && { type: "json_schema", name: "output", schema: format.schema, strict: false };
}
