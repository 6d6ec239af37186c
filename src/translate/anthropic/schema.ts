import * as v from "valibot";
import type { StreamEvent } from "../../contracts/anthropic.ts";
import { checkWire, parseJson, type WireCheck } from "../shared/wire-schema.ts";

/**
 * A loose schema for the Anthropic stream events ccmux reads out of a pass-through upstream's
 * bytes (the OpenAI front door): each known event's fields are checked, blocks and usage stay open.
 */
const block = v.looseObject({ type: v.string() });
const usage = v.looseObject({});
const delta = v.variant("type", [
  v.object({ type: v.literal("text_delta"), text: v.string() }),
  v.object({ type: v.literal("input_json_delta"), partial_json: v.string() }),
  v.object({ type: v.literal("thinking_delta"), thinking: v.string() }),
  v.object({ type: v.literal("signature_delta"), signature: v.string() }),
  v.object({ type: v.literal("citations_delta"), citation: v.unknown() }),
]);

const AnthropicEventSchema = v.variant("type", [
  v.object({
    type: v.literal("message_start"),
    message: v.looseObject({ id: v.string(), model: v.optional(v.string()), usage: v.optional(usage, {}) }),
  }),
  v.object({ type: v.literal("content_block_start"), index: v.number(), content_block: block }),
  v.object({ type: v.literal("content_block_delta"), index: v.number(), delta }),
  v.object({ type: v.literal("content_block_stop"), index: v.number() }),
  v.object({
    type: v.literal("message_delta"),
    delta: v.looseObject({ stop_reason: v.nullish(v.string(), null), stop_sequence: v.nullish(v.string(), null) }),
    usage: v.optional(usage, {}),
  }),
  v.object({ type: v.literal("message_stop") }),
  v.object({ type: v.literal("ping") }),
  v.object({ type: v.literal("error"), error: v.looseObject({ type: v.string(), message: v.string() }) }),
]);

const KNOWN: ReadonlySet<string> = new Set(AnthropicEventSchema.options.map((o) => o.entries.type.literal));

/** One event's data → the typed event; undefined for an event type ccmux does not read (kept out, not an error). */
export function parseAnthropicEvent(data: string): WireCheck<StreamEvent> | undefined {
  const parsed = parseJson(data);
  if (!parsed.ok) return parsed;
  const type = typeof parsed.value === "object" && parsed.value !== null && "type" in parsed.value && parsed.value.type;
  if (typeof type !== "string" || !KNOWN.has(type)) return undefined;
  const checked = checkWire(AnthropicEventSchema, parsed.value);
  // The schema checks the fields ccmux reads; message, block, usage and error types stay as the upstream sent them.
  return checked.ok ? { ok: true, value: checked.value as StreamEvent } : checked;
}
