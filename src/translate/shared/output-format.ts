import { isIndexable } from "../../util/is-record.ts";

/**
 * What `output_config.format` asks of the answer: JSON matching a schema (Anthropic's structured
 * output), or any JSON object (`{type: "json_object"}`, which only the OpenAI front door produces:
 * Anthropic's API has no such format, so each upstream dialect renders it its own way).
 */
export type OutputFormat = { type: "json_schema"; schema: Record<string, unknown> } | { type: "json_object" };

export function outputFormatOf(outputConfig: unknown): OutputFormat | undefined {
  if (!isIndexable(outputConfig) || !isIndexable(outputConfig.format)) return undefined;
  const format = outputConfig.format;
  if (format.type === "json_object") return { type: "json_object" };
  if (format.type !== "json_schema" || !isIndexable(format.schema)) return undefined;
  return { type: "json_schema", schema: format.schema };
}
