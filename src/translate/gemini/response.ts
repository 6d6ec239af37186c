import type { ContentBlock, MessageResponse, StopReason } from "../../contracts/anthropic.ts";
import { TranslateError, UpstreamError } from "../../util/errors.ts";
import type { IdFactory } from "../shared/ids.ts";
import { geminiCallToolUseId } from "./call-id.ts";
import { anthropicMessage } from "../shared/message.ts";
import { PLACEHOLDER_SIGNATURE } from "../shared/thinking-signature.ts";
import { googleErrorToUpstream } from "./errors.ts";
import { parkSignature } from "./signature.ts";
import { checkGeminiAnswer, type GeminiCandidate, type GeminiPart } from "./schema.ts";
import { geminiUsageToAnthropic } from "./usage.ts";
import { malformedAnswer } from "../shared/wire-schema.ts";

export interface GeminiResponseOptions {
  /** The model name to report (normally the one the client asked for). */
  model: string;
  /** Random part of generated ids (`msg_…`, `toolu_…`). */
  idFactory?: IdFactory;
  /** Upstream identity stamped on parked thought signatures; see signature.ts. */
  signatureScope?: string;
}

const REFUSAL_REASONS: ReadonlySet<string> = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
]);

/** A generateContent response (or its Code Assist wrapper) → Anthropic Message. Throws typed errors. */
export function fromGeminiResponse(body: unknown, opts: GeminiResponseOptions): MessageResponse {
  const checked = checkGeminiAnswer(body);
  if (!checked.ok) throw malformedAnswer("Gemini response", checked.problem);
  const res = checked.value;
  if (res.error) throw googleErrorToUpstream(502, res);
  const candidate = res.candidates?.[0];
  const blockReason = res.promptFeedback?.blockReason;
  if (!candidate && !blockReason) throw new TranslateError("Gemini returned no candidates");
  if (candidate?.finishReason === "MALFORMED_FUNCTION_CALL") throw malformedFunctionCall(candidate);
  const content: ContentBlock[] = candidate
    ? partsToBlocks(candidate.content?.parts ?? [], opts)
    : [{ type: "text", text: blockedNote(blockReason!) }];
  const sawToolUse = content.some((b) => b.type === "tool_use");
  return anthropicMessage(
    opts,
    content,
    candidate ? finishToStopReason(candidate.finishReason, sawToolUse) : "refusal",
    geminiUsageToAnthropic(res.usageMetadata),
  );
}

/**
 * finishReason → stop_reason. A turn with function calls is `tool_use` whatever the reason
 * (Gemini says STOP); the safety family is `refusal`; the rest ends the turn.
 */
export function finishToStopReason(reason: string | null | undefined, sawToolUse: boolean): StopReason {
  if (sawToolUse) return "tool_use";
  if (reason === "MAX_TOKENS") return "max_tokens";
  if (reason && REFUSAL_REASONS.has(reason)) return "refusal";
  return "end_turn";
}

export function malformedFunctionCall(candidate: GeminiCandidate): UpstreamError {
  const detail = typeof candidate.finishMessage === "string" ? `: ${candidate.finishMessage}` : "";
  return new UpstreamError({
    status: 502,
    type: "api_error",
    message: `Gemini produced a malformed function call${detail}`,
    retryable: true,
  });
}

export function blockedNote(reason: string): string {
  return `[Gemini blocked this prompt (${reason}) and returned no answer.]`;
}

/** Parts → blocks. Adjacent text (or thought) parts merge; signatures are parked in thinking blocks. */
function partsToBlocks(parts: GeminiPart[], opts: GeminiResponseOptions): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  const scope = opts.signatureScope ?? "";
  for (const part of parts) {
    const signature =
      typeof part.thoughtSignature === "string" && part.thoughtSignature !== "" ? part.thoughtSignature : undefined;
    if (part.functionCall) {
      const id = geminiCallToolUseId(part.functionCall.id, opts.idFactory);
      if (signature) blocks.push(parkedBlock(parkSignature({ kind: "call", scope, toolUseId: id, signature })));
      blocks.push({ type: "tool_use", id, name: part.functionCall.name, input: part.functionCall.args ?? {} });
    } else if (typeof part.text === "string" && part.thought) {
      addThought(blocks, part.text, signature && parkSignature({ kind: "thought", scope, toolUseId: "", signature }));
    } else if (typeof part.text === "string") {
      addText(blocks, part.text);
      if (signature) blocks.push(parkedBlock(parkSignature({ kind: "text", scope, toolUseId: "", signature })));
    }
  }
  return blocks;
}

function addThought(blocks: ContentBlock[], text: string, parked: string | undefined): void {
  const last = blocks.at(-1);
  if (last?.type === "thinking" && last.signature === PLACEHOLDER_SIGNATURE) {
    last.thinking = `${String(last.thinking)}${text}`;
    if (parked) last.signature = parked;
  } else {
    blocks.push({ type: "thinking", thinking: text, signature: parked ?? PLACEHOLDER_SIGNATURE });
  }
}

function addText(blocks: ContentBlock[], text: string): void {
  const last = blocks.at(-1);
  if (last?.type === "text") last.text = `${String(last.text)}${text}`;
  else if (text !== "") blocks.push({ type: "text", text });
}

export function parkedBlock(signature: string): ContentBlock {
  return { type: "thinking", thinking: "", signature };
}
