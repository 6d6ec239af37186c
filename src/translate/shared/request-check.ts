import * as v from "valibot";
import type { MessagesRequest } from "../../contracts/anthropic.ts";
import { RequestError } from "../../util/errors.ts";
import { isRecord } from "../../util/is-record.ts";
import { describeIssue } from "../../util/valibot-issue.ts";

/**
 * What the translators read of an Anthropic request, with the types Anthropic's API demands. Loose:
 * unknown fields and block types pass (a translator leaves out what its upstream cannot take), but
 * a field a translator reads never has a shape it does not expect.
 */
type Schema = v.GenericSchema;

/** The schema for `input`'s `type` in `table`, else `fallback` (open-ended unions like content blocks). */
function byType(table: Record<string, Schema>, fallback: Schema): Schema {
  return v.lazy((input) => {
    const type = isRecord(input) ? input.type : undefined;
    return (typeof type === "string" && Object.hasOwn(table, type) ? table[type] : undefined) ?? fallback;
  });
}

const Typed = v.looseObject({ type: v.string() });

/** Blocks inside blocks (tool results, documents, search results) nest at most this deep; deeper is no real request. */
const MAX_BLOCK_NESTING = 16;
const TOO_DEEP = v.custom(() => false, `content blocks nest more than ${MAX_BLOCK_NESTING} levels deep`);

function memo(make: (depth: number) => Schema): (depth: number) => Schema {
  const made: Schema[] = [];
  return (depth) => {
    if (depth > MAX_BLOCK_NESTING) return TOO_DEEP;
    made[depth] ??= make(depth);
    return made[depth];
  };
}

const blockAt = memo((depth) => {
  const source = v.lazy(() => sourceAt(depth + 1));
  const content = v.lazy(() => contentAt(depth + 1));
  return byType(
    {
      text: v.looseObject({ text: v.string() }),
      image: v.looseObject({ source }),
      document: v.looseObject({ source, title: v.nullish(v.string()) }),
      tool_use: v.looseObject({ id: v.string(), name: v.string() }),
      tool_result: v.looseObject({
        tool_use_id: v.string(),
        content: v.optional(content),
        is_error: v.optional(v.boolean()),
      }),
      thinking: v.looseObject({ thinking: v.string(), signature: v.optional(v.string()) }),
      redacted_thinking: v.looseObject({ data: v.string() }),
      search_result: v.looseObject({ source: v.string(), title: v.string(), content: v.array(blockAt(depth + 1)) }),
    },
    Typed,
  );
});

/** A message's (or a tool result's) content: a string, or content blocks. */
const contentAt = memo((depth) =>
  v.lazy((input) =>
    typeof input === "string"
      ? v.string()
      : v.array(
          v.lazy(() => blockAt(depth)),
          "must be a string or an array of content blocks",
        ),
  ),
);

const sourceAt = memo((depth) =>
  byType(
    {
      base64: v.looseObject({ media_type: v.string(), data: v.string() }),
      url: v.looseObject({ url: v.string() }),
      file: v.looseObject({ file_id: v.string() }),
      text: v.looseObject({ data: v.string() }),
      content: v.looseObject({ content: v.lazy(() => contentAt(depth)) }),
    },
    Typed,
  ),
);

const Content = contentAt(0);

const Message = v.looseObject({ role: v.picklist(["user", "assistant", "system"]), content: Content });

const Tool = v.looseObject({
  name: v.string(),
  type: v.optional(v.string()),
  description: v.optional(v.string()),
  input_schema: v.optional(v.looseObject({})),
});

const parallel = { disable_parallel_tool_use: v.optional(v.boolean()) };
const ToolChoice = v.variant("type", [
  v.looseObject({ type: v.picklist(["auto", "any", "none"]), ...parallel }),
  v.looseObject({ type: v.literal("tool"), name: v.string(), ...parallel }),
]);

const num = v.optional(v.number());

const TranslatableRequest = v.looseObject({
  messages: v.array(Message),
  system: v.optional(Content),
  tools: v.optional(v.array(Tool)),
  tool_choice: v.optional(ToolChoice),
  thinking: v.optional(v.looseObject({ type: v.string(), budget_tokens: num })),
  stop_sequences: v.optional(v.array(v.string())),
  max_tokens: num,
  temperature: num,
  top_p: num,
  top_k: num,
  stream: v.optional(v.boolean()),
  metadata: v.optional(v.looseObject({ user_id: v.nullish(v.string()) })),
  output_config: v.optional(
    v.looseObject({ format: v.optional(v.looseObject({ type: v.string() })), effort: v.optional(v.string()) }),
  ),
});

/** `req` if every field a translator reads has the shape Anthropic's API demands; else a RequestError naming the first that does not. */
export function checkTranslatable(req: unknown): MessagesRequest {
  if (!isRecord(req)) throw new RequestError("Request body must be a JSON object");
  const result = v.safeParse(TranslatableRequest, req);
  if (!result.success) throw new RequestError(describeIssue(result.issues[0]));
  // Cast: the schema checked every field translators read, typed the way MessagesRequest declares it (its dispatch
  // by block and source type leaves valibot's output type unknown); the client's object goes on, not a copy.
  return req as MessagesRequest;
}
