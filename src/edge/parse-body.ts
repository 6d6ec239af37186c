import * as v from "valibot";
import type { MessagesRequest } from "../contracts/anthropic.ts";
import { RequestError } from "../util/errors.ts";
import { describeIssue } from "../util/valibot-issue.ts";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../util/json-depth.ts";

const Block = v.looseObject({ type: v.string() });

const MessageSchema = v.looseObject({
  role: v.picklist(["user", "assistant", "system"]),
  content: v.union([v.string(), v.array(Block)]),
});

const SystemSchema = v.union([v.string(), v.array(v.looseObject({ type: v.string() }))]);

/** Loose on purpose: unknown fields and block types are kept and forwarded untouched. */
export const MessagesRequestSchema = v.looseObject({
  model: v.pipe(v.string(), v.minLength(1, "must not be empty")),
  messages: v.array(MessageSchema),
  max_tokens: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  system: v.optional(SystemSchema),
  tools: v.optional(v.array(v.looseObject({}))),
  stream: v.optional(v.boolean()),
  thinking: v.optional(v.looseObject({ type: v.string() })),
});

export const CountTokensRequestSchema = v.looseObject({
  model: v.pipe(v.string(), v.minLength(1, "must not be empty")),
  messages: v.array(MessageSchema),
  system: v.optional(SystemSchema),
  tools: v.optional(v.array(v.looseObject({}))),
});

/** JSON text → validated request, or a 400 naming the first problem. Kept objects are the parsed ones. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") throw new RequestError("Request body is empty; expected a JSON object");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new RequestError(`Request body is not valid JSON: ${(err as Error).message}`);
  }
  if (nestsDeeperThan(text, MAX_JSON_DEPTH))
    throw new RequestError(`Request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`);
  return body;
}

export function validateBody<T>(schema: v.GenericSchema, body: unknown): T {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new RequestError("Request body must be a JSON object");
  }
  const result = v.safeParse(schema, body);
  if (!result.success) throw new RequestError(describeIssue(result.issues[0]));
  return body as T;
}

type Obj = Record<string, unknown>;
const ROLES = new Set(["user", "assistant", "system"]);

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isBlockList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const block of value) if (!isObject(block) || typeof block.type !== "string") return false;
  return true;
}

function isMessageList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const m of value) {
    if (!isObject(m) || !ROLES.has(m.role as string)) return false;
    if (typeof m.content !== "string" && !isBlockList(m.content)) return false;
  }
  return true;
}

/**
 * The same rules as MessagesRequestSchema, checked in place without valibot's copy of every
 * object (a 120 KB body has hundreds). Stricter where unsure (arrays are never objects here):
 * a body it rejects still goes through the schema, which has the final word and the message.
 */
export function isWellFormedMessagesRequest(body: Obj): boolean {
  const { model, max_tokens, system, tools, stream, thinking } = body;
  return (
    typeof model === "string" &&
    model.length > 0 &&
    isMessageList(body.messages) &&
    (max_tokens === undefined || (Number.isInteger(max_tokens) && (max_tokens as number) >= 1)) &&
    (system === undefined || typeof system === "string" || isBlockList(system)) &&
    (tools === undefined || (Array.isArray(tools) && tools.every(isObject))) &&
    (stream === undefined || typeof stream === "boolean") &&
    (thinking === undefined || (isObject(thinking) && typeof thinking.type === "string"))
  );
}

export function parseMessagesRequest(text: string): MessagesRequest {
  const body = parseJsonBody(text);
  if (isObject(body) && isWellFormedMessagesRequest(body)) return body as unknown as MessagesRequest;
  return validateBody<MessagesRequest>(MessagesRequestSchema, body);
}

export function requireJsonContentType(contentType: string | undefined): void {
  if (!contentType || !/^application\/([\w.+-]*\+)?json\b/i.test(contentType.trim())) {
    throw new RequestError(`Content-Type must be application/json (got ${contentType ? `"${contentType}"` : "none"})`);
  }
}
