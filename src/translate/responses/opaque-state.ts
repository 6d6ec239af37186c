import { Buffer } from "node:buffer";
import { fitName } from "../shared/short-name.ts";
import { PLACEHOLDER_SIGNATURE } from "../shared/thinking-signature.ts";

/** The Responses API refuses a `call_id` over 64 characters; longer ids are shortened, the same way every time. */
const MAX_CALL_ID = 64;

/**
 * Responses reasoning state rides in the thinking block's `signature`, which Claude Code echoes
 * back verbatim; the prefix tells request.ts which signatures it may replay as `encrypted_content`.
 */
export const REASONING_SIGNATURE_PREFIX = "ccmux-responses-v1:";

export function encodeReasoningSignature(encryptedContent: string | null | undefined): string {
  if (typeof encryptedContent !== "string" || encryptedContent === "") return PLACEHOLDER_SIGNATURE;
  return REASONING_SIGNATURE_PREFIX + encryptedContent;
}

/** The encrypted_content parked in a signature by encodeReasoningSignature, or undefined. */
export function decodeReasoningSignature(signature: unknown): string | undefined {
  if (typeof signature !== "string" || !signature.startsWith(REASONING_SIGNATURE_PREFIX)) return undefined;
  const content = signature.slice(REASONING_SIGNATURE_PREFIX.length);
  return content === "" ? undefined : content;
}

const ANTHROPIC_ID = /^[a-zA-Z0-9_-]+$/;
/** Marks a tool_use id that wraps a call_id Anthropic's id alphabet can't hold. */
const WRAPPED_CALL_ID = "toolu_rc_";

/** Responses call_id → tool_use id. Usually the call_id itself, so both directions are the identity. */
export function callIdToToolUseId(callId: string): string {
  if (ANTHROPIC_ID.test(callId) && !callId.startsWith(WRAPPED_CALL_ID)) return callId;
  return WRAPPED_CALL_ID + Buffer.from(callId, "utf8").toString("base64url");
}

/** tool_use / tool_result id → the call_id the upstream minted (inverse of callIdToToolUseId). */
export function toolUseIdToCallId(id: string): string {
  const callId = id.startsWith(WRAPPED_CALL_ID)
    ? Buffer.from(id.slice(WRAPPED_CALL_ID.length), "base64url").toString("utf8")
    : id;
  return fitName(callId, MAX_CALL_ID);
}
