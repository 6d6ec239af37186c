import type { MessagesRequest, Tool, ToolChoice } from "../../../contracts/anthropic.ts";
import { RequestError } from "../../../util/errors.ts";
import { isIndexable, isRecord } from "../../../util/is-record.ts";
import { applyEffort } from "../../shared/effort-thinking.ts";
import { convertMessages } from "./request-messages.ts";

type Body = Record<string, unknown>;

/** An OpenAI Chat Completions request (the front door) → the canonical Anthropic request. */
export function fromOpenAIRequest(body: unknown): MessagesRequest {
  if (!isRecord(body)) throw new RequestError("request body must be a JSON object");
  const b = body;
  if (typeof b.model !== "string" || b.model === "") throw new RequestError("model must be a non-empty string");
  if (b.n !== undefined && b.n !== null && b.n !== 1) throw new RequestError("n other than 1 is not supported");
  const { system, messages } = convertMessages(b.messages);
  const req: MessagesRequest = { model: b.model, messages };
  // No max_tokens from the client: the proxy fills in the target model's own output limit.
  const max = maxTokens(b);
  if (max !== undefined) req.max_tokens = max;
  if (system.length > 0) req.system = system;
  const tools = convertTools(b.tools);
  if (tools) req.tools = tools;
  const choice = convertToolChoice(b.tool_choice, b.parallel_tool_calls);
  if (choice && tools) req.tool_choice = choice;
  const stop = convertStop(b.stop);
  if (stop) req.stop_sequences = stop;
  if (b.stream === true) req.stream = true;
  copyNumber(b, req, "temperature");
  copyNumber(b, req, "top_p");
  applyEffort(req, b.reasoning_effort, "reasoning_effort");
  const format = outputFormat(b.response_format);
  if (format) req.output_config = { format };
  if (typeof b.user === "string" && b.user !== "") req.metadata = { user_id: b.user };
  return req;
}

function maxTokens(b: Body): number | undefined {
  const value = b.max_completion_tokens ?? b.max_tokens;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RequestError("max_tokens / max_completion_tokens must be a positive integer");
  }
  return value;
}

function copyNumber(b: Body, req: MessagesRequest, key: "temperature" | "top_p"): void {
  const value = b[key];
  if (value === undefined || value === null) return;
  if (typeof value !== "number" || !Number.isFinite(value)) throw new RequestError(`${key} must be a number`);
  req[key] = value;
}

function convertTools(raw: unknown): Tool[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw new RequestError("tools must be an array");
  if (raw.length === 0) return undefined;
  return raw.map((tool, i) => {
    const t: Body = isIndexable(tool) ? tool : {};
    if (t.type !== "function" || !t.function)
      throw new RequestError(`tools[${i}] must be {type:"function", function:{…}}`);
    const { name, description, parameters }: Body = isIndexable(t.function) ? t.function : {};
    if (typeof name !== "string" || name === "")
      throw new RequestError(`tools[${i}].function.name must be a non-empty string`);
    if (parameters !== undefined && parameters !== null && !isRecord(parameters))
      throw new RequestError(`tools[${i}].function.parameters must be a JSON Schema object`);
    const out: Tool = { name, input_schema: parameters ?? { type: "object", properties: {} } };
    if (typeof description === "string") out.description = description;
    return out;
  });
}

function convertToolChoice(raw: unknown, parallel: unknown): ToolChoice | undefined {
  let choice: ToolChoice | undefined;
  if (raw === "auto") choice = { type: "auto" };
  else if (raw === "none") choice = { type: "none" };
  else if (raw === "required") choice = { type: "any" };
  else if (isIndexable(raw)) {
    const name = isIndexable(raw.function) ? raw.function.name : undefined;
    if (typeof name !== "string" || name === "")
      throw new RequestError("tool_choice.function.name must be a non-empty string");
    choice = { type: "tool", name };
  } else if (raw !== undefined && raw !== null)
    throw new RequestError('tool_choice must be "auto", "none", "required" or {type:"function",function:{name}}');
  if (parallel === false) {
    const base: ToolChoice = choice ?? { type: "auto" };
    choice = { ...base, disable_parallel_tool_use: true };
  }
  return choice;
}

function convertStop(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  const list = typeof raw === "string" ? [raw] : raw;
  if (!Array.isArray(list) || !list.every((s) => typeof s === "string"))
    throw new RequestError("stop must be a string or an array of strings");
  const nonEmpty = list.filter((s) => s !== "");
  return nonEmpty.length > 0 ? nonEmpty : undefined;
}

/**
 * response_format → output_config.format. json_object has no Anthropic wire form: it travels as
 * `{type: "json_object"}` and each upstream dialect renders it (see translate/anthropic/json-object.ts).
 */
function outputFormat(raw: unknown): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null) return undefined;
  const f: Body = isIndexable(raw) ? raw : {};
  if (f.type === "text") return undefined;
  if (f.type === "json_object") return { type: "json_object" };
  if (f.type !== "json_schema")
    throw new RequestError('response_format.type must be "text", "json_object" or "json_schema"');
  // A json_schema with no schema asks for JSON and nothing more.
  const schema = isIndexable(f.json_schema) ? f.json_schema.schema : undefined;
  if (!isRecord(schema)) return { type: "json_object" };
  return { type: "json_schema", schema };
}
