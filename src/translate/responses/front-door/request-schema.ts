import * as v from "valibot";
import { RequestError } from "../../../util/errors.ts";
import { describeIssue } from "../../../util/valibot-issue.ts";

/**
 * What the Responses front door reads from a client's request, checked before anything is
 * translated: a mismatch is a 400 naming the field. Loose objects: fields ccmux ignores pass.
 */
const nonEmpty = v.pipe(v.string(), v.minLength(1, "must be a non-empty string"));
const nullishNumber = v.nullish(v.pipe(v.number(), v.finite()));

const TextPart = v.looseObject({ type: v.picklist(["input_text", "output_text"]), text: v.string() });
const ImagePart = v.looseObject({
  type: v.literal("input_image"),
  image_url: v.nullish(v.string()),
  file_id: v.nullish(v.string()),
});
const RefusalPart = v.looseObject({ type: v.literal("refusal"), refusal: v.string() });
const Part = v.variant("type", [TextPart, ImagePart, RefusalPart]);

export const MessageItemSchema = v.looseObject({
  type: v.optional(v.literal("message")),
  role: v.picklist(["user", "assistant", "system", "developer"]),
  content: v.union([v.string(), v.array(Part)]),
});

export const FunctionCallSchema = v.looseObject({
  type: v.literal("function_call"),
  call_id: nonEmpty,
  name: nonEmpty,
  arguments: v.string(),
});

export const FunctionCallOutputSchema = v.looseObject({
  type: v.literal("function_call_output"),
  call_id: nonEmpty,
  output: v.union([v.string(), v.array(Part)]),
});

export const ReasoningSchema = v.looseObject({
  type: v.literal("reasoning"),
  summary: v.optional(v.array(v.looseObject({ type: v.string(), text: v.string() })), []),
  encrypted_content: v.nullish(v.string()),
});

const FunctionTool = v.looseObject({
  type: v.literal("function"),
  name: nonEmpty,
  description: v.nullish(v.string()),
  parameters: v.nullish(v.record(v.string(), v.unknown())),
});

const ToolChoice = v.union([
  v.picklist(["auto", "none", "required"]),
  v.looseObject({ type: v.literal("function"), name: nonEmpty }),
]);

const Format = v.variant("type", [
  v.looseObject({ type: v.literal("text") }),
  v.looseObject({ type: v.literal("json_object") }),
  v.looseObject({ type: v.literal("json_schema"), schema: v.record(v.string(), v.unknown()) }),
]);

export const ResponsesRequestSchema = v.looseObject({
  model: nonEmpty,
  input: v.union([v.string(), v.array(v.record(v.string(), v.unknown()))]),
  instructions: v.nullish(v.string()),
  tools: v.nullish(v.array(v.looseObject({ type: v.string() }))),
  tool_choice: v.nullish(ToolChoice),
  parallel_tool_calls: v.nullish(v.boolean()),
  max_output_tokens: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(1))),
  temperature: nullishNumber,
  top_p: nullishNumber,
  stream: v.nullish(v.boolean()),
  reasoning: v.nullish(v.looseObject({ effort: v.nullish(v.string()) })),
  text: v.nullish(v.looseObject({ format: v.nullish(Format) })),
  previous_response_id: v.nullish(v.string()),
  conversation: v.nullish(v.unknown()),
  user: v.nullish(v.string()),
});

export const FunctionToolSchema = FunctionTool;

export type ResponsesFrontDoorRequest = v.InferOutput<typeof ResponsesRequestSchema>;
export type MessageItem = v.InferOutput<typeof MessageItemSchema>;
export type ContentPart = v.InferOutput<typeof Part>;

/** Checks a value against a schema; the first issue is a 400 naming the field (under `where`). */
export function checked<S extends v.GenericSchema>(schema: S, value: unknown, where = ""): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const described = describeIssue(result.issues[0]);
  throw new RequestError(where ? `${where}${described.startsWith(":") ? "" : "."}${described}` : described);
}
