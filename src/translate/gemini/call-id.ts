import { Buffer } from "node:buffer";
import { toolUseId, type IdFactory } from "../shared/ids.ts";

/** Marks a tool_use id that carries the `id` Gemini gave its functionCall (base64url, any alphabet fits). */
const GEMINI_CALL_ID = "toolu_gc_";

/** The tool_use id for a Gemini functionCall: its own `id` wrapped when present, else a fresh one. */
export function geminiCallToolUseId(callId: unknown, idFactory?: IdFactory): string {
  if (typeof callId !== "string" || callId === "") return toolUseId(idFactory);
  return GEMINI_CALL_ID + Buffer.from(callId, "utf8").toString("base64url");
}

/** The `id` Gemini gave the call behind this tool_use id, or undefined for ids Gemini did not mint. */
export function geminiCallIdOf(toolUseIdValue: string): string | undefined {
  if (!toolUseIdValue.startsWith(GEMINI_CALL_ID)) return undefined;
  const id = Buffer.from(toolUseIdValue.slice(GEMINI_CALL_ID.length), "base64url").toString("utf8");
  return id === "" ? undefined : id;
}
