import type { MessagesRequest, TextBlock } from "../../contracts/anthropic.ts";

/** Appended to the system prompt when the client asked for a JSON object (OpenAI's response_format json_object). */
export const JSON_OBJECT_INSTRUCTION =
  "Respond with one valid JSON object and nothing else: no prose before or after it, no Markdown code fences.";

/**
 * Anthropic's API has no "any JSON object" format (only a json_schema one), and a prefilled "{"
 * is refused with thinking on: `output_config.format: {type: "json_object"}` becomes a system
 * instruction instead. Any other request is returned as is (same object).
 */
export function jsonObjectAsInstruction(req: MessagesRequest): MessagesRequest {
  const config = req.output_config;
  if (config?.format?.type !== "json_object") return req;
  const { format: _format, ...rest } = config;
  const out: MessagesRequest = { ...req, system: withInstruction(req.system) };
  if (Object.keys(rest).length > 0) out.output_config = rest;
  else delete out.output_config;
  return out;
}

function withInstruction(system: MessagesRequest["system"]): TextBlock[] {
  const instruction: TextBlock = { type: "text", text: JSON_OBJECT_INSTRUCTION };
  if (system === undefined || system === "") return [instruction];
  if (typeof system === "string") return [{ type: "text", text: system }, instruction];
  return [...system, instruction];
}
