import * as v from "valibot";
import type { ContentBlock, Message, TextBlock } from "../../../contracts/anthropic.ts";
import { RequestError } from "../../../util/errors.ts";
import { imageBlock } from "../../shared/image-url.ts";
import { appendTurn } from "../../shared/turns.ts";
import {
  checked,
  type ContentPart,
  type MessageItem,
  FunctionCallOutputSchema,
  FunctionCallSchema,
  MessageItemSchema,
  ReasoningSchema,
} from "./request-schema.ts";

const JsonObject = v.record(v.string(), v.unknown());

/** How a redacted_thinking block travels in a reasoning item's encrypted_content. */
export const REDACTED_PREFIX = "redacted:";

interface Acc {
  system: TextBlock[];
  messages: Message[];
  callIds: Set<string>;
}

/**
 * `instructions` + `input` → Anthropic system + messages. Function calls become tool_use blocks
 * (id = call_id), their outputs tool_result blocks at the head of the next user turn, reasoning
 * items thinking blocks (the signature rides in encrypted_content; unsigned ones are left out,
 * no upstream would accept them).
 */
export function convertInput(input: string | Record<string, unknown>[], instructions?: string | null) {
  const acc: Acc = { system: [], messages: [], callIds: new Set() };
  if (instructions) acc.system.push({ type: "text", text: instructions });
  if (typeof input === "string") appendTurn(acc, "user", input === "" ? [] : [{ type: "text", text: input }]);
  else for (const [i, item] of input.entries()) addItem(acc, item, `input[${i}]`);
  if (acc.messages.length === 0) throw new RequestError("input must contain at least one user or assistant item");
  return { system: acc.system, messages: acc.messages };
}

function addItem(acc: Acc, item: Record<string, unknown>, where: string): void {
  switch (item.type ?? "message") {
    case "message":
      return addMessage(acc, checked(MessageItemSchema, item, where), where);
    case "function_call": {
      const call = checked(FunctionCallSchema, item, where);
      acc.callIds.add(call.call_id);
      const input = parseArguments(call.arguments, where);
      return appendTurn(acc, "assistant", [{ type: "tool_use", id: call.call_id, name: call.name, input }]);
    }
    case "function_call_output": {
      const out = checked(FunctionCallOutputSchema, item, where);
      if (!acc.callIds.has(out.call_id))
        throw new RequestError(
          `${where}.call_id ${JSON.stringify(out.call_id)} does not match any earlier function_call`,
        );
      const content = typeof out.output === "string" ? out.output : partsToBlocks(out.output, `${where}.output`);
      return appendTurn(acc, "user", [{ type: "tool_result", tool_use_id: out.call_id, content }]);
    }
    case "reasoning":
      return appendTurn(acc, "assistant", reasoningBlocks(checked(ReasoningSchema, item, where)));
    case "item_reference":
      throw new RequestError(
        `${where}: item_reference is not supported: ccmux stores no responses. Send the items themselves (store: false; in the AI SDK, providerOptions.openai.store = false).`,
      );
    default:
      throw new RequestError(
        `${where}.type ${JSON.stringify(item.type)} is not supported (use message, function_call, function_call_output or reasoning)`,
      );
  }
}

function addMessage(acc: Acc, msg: MessageItem, where: string): void {
  const blocks =
    typeof msg.content === "string" ? textBlocks(msg.content) : partsToBlocks(msg.content, `${where}.content`);
  if (msg.role === "system" || msg.role === "developer") {
    for (const b of blocks) {
      if (b.type !== "text" || typeof b.text !== "string")
        throw new RequestError(`${where}: ${msg.role} messages take text only`);
      acc.system.push({ type: "text", text: b.text });
    }
    return;
  }
  appendTurn(acc, msg.role, blocks);
}

const textBlocks = (text: string): ContentBlock[] => (text === "" ? [] : [{ type: "text", text }]);

function partsToBlocks(parts: ContentPart[], where: string): ContentBlock[] {
  return parts.flatMap((part, i): ContentBlock[] => {
    if (part.type === "refusal") return textBlocks(part.refusal);
    if (part.type !== "input_image") return textBlocks(part.text);
    if (!part.image_url)
      throw new RequestError(
        `${where}[${i}]: input_image needs image_url (ccmux keeps no files, so file_id cannot be used)`,
      );
    return [imageBlock(part.image_url, `${where}[${i}]`)];
  });
}

function reasoningBlocks(item: { summary: { text: string }[]; encrypted_content?: string | null }): ContentBlock[] {
  const sealed = item.encrypted_content;
  if (!sealed) return [];
  if (sealed.startsWith(REDACTED_PREFIX))
    return [{ type: "redacted_thinking", data: sealed.slice(REDACTED_PREFIX.length) }];
  return [{ type: "thinking", thinking: item.summary.map((s) => s.text).join("\n\n"), signature: sealed }];
}

function parseArguments(args: string, where: string): Record<string, unknown> {
  if (args === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw new RequestError(`${where}.arguments is not valid JSON`);
  }
  const object = v.safeParse(JsonObject, parsed);
  if (!object.success || Array.isArray(parsed)) throw new RequestError(`${where}.arguments must encode a JSON object`);
  return object.output;
}
