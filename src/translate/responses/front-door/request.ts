import type { MessagesRequest, Tool, ToolChoice } from "../../../contracts/anthropic.ts";
import { RequestError } from "../../../util/errors.ts";
import { applyEffort } from "../../shared/effort-thinking.ts";
import { convertInput } from "./request-input.ts";
import {
  checked,
  FunctionToolSchema,
  type ResponsesFrontDoorRequest,
  ResponsesRequestSchema,
} from "./request-schema.ts";

/**
 * An OpenAI Responses request (the front door on POST /v1/responses) → the canonical Anthropic
 * request. ccmux keeps no responses, so `previous_response_id` and `conversation` are refused:
 * the client sends the whole conversation in `input` each time (as with `store: false`).
 */
export function fromResponsesRequest(body: unknown): MessagesRequest {
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new RequestError("request body must be a JSON object");
  const b = checked(ResponsesRequestSchema, body);
  if (b.previous_response_id)
    throw new RequestError(
      "previous_response_id is not supported: ccmux stores no responses. Send the whole conversation in input (store: false).",
    );
  if (b.conversation !== undefined && b.conversation !== null)
    throw new RequestError(
      "conversation is not supported: ccmux stores no conversations. Send the whole conversation in input.",
    );
  const { system, messages } = convertInput(b.input, b.instructions);
  const req: MessagesRequest = { model: b.model, messages };
  if (system.length > 0) req.system = system;
  // No max_output_tokens: the proxy fills in the target model's own output limit.
  if (typeof b.max_output_tokens === "number") req.max_tokens = b.max_output_tokens;
  const tools = convertTools(b.tools);
  if (tools) req.tools = tools;
  const choice = convertToolChoice(b.tool_choice, b.parallel_tool_calls);
  if (choice && tools) req.tool_choice = choice;
  if (b.stream === true) req.stream = true;
  if (typeof b.temperature === "number") req.temperature = b.temperature;
  if (typeof b.top_p === "number") req.top_p = b.top_p;
  applyEffort(req, b.reasoning?.effort, "reasoning.effort");
  const format = outputFormat(b.text?.format);
  if (format) req.output_config = { format };
  if (b.user) req.metadata = { user_id: b.user };
  return req;
}

function convertTools(raw: ResponsesFrontDoorRequest["tools"]): Tool[] | undefined {
  if (!raw || raw.length === 0) return undefined;
  return raw.map((t, i) => {
    if (t.type !== "function")
      throw new RequestError(
        `tools[${i}].type ${JSON.stringify(t.type)} is not supported: ccmux's Responses front door takes function tools only`,
      );
    const tool = checked(FunctionToolSchema, t, `tools[${i}]`);
    const out: Tool = { name: tool.name, input_schema: tool.parameters ?? { type: "object", properties: {} } };
    if (typeof tool.description === "string") out.description = tool.description;
    return out;
  });
}

function convertToolChoice(
  raw: ResponsesFrontDoorRequest["tool_choice"],
  parallel: ResponsesFrontDoorRequest["parallel_tool_calls"],
): ToolChoice | undefined {
  let choice: ToolChoice | undefined;
  if (raw === "auto") choice = { type: "auto" };
  else if (raw === "none") choice = { type: "none" };
  else if (raw === "required") choice = { type: "any" };
  else if (raw) choice = { type: "tool", name: raw.name };
  if (parallel === false) return { ...(choice ?? { type: "auto" }), disable_parallel_tool_use: true };
  return choice;
}

/** text.format → output_config.format (json_object travels as is; each upstream dialect renders it). */
function outputFormat(
  format: NonNullable<ResponsesFrontDoorRequest["text"]>["format"],
): Record<string, unknown> | undefined {
  if (!format || format.type === "text") return undefined;
  if (format.type === "json_object") return { type: "json_object" };
  return { type: "json_schema", schema: format.schema };
}
