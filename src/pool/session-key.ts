import { createHash } from "node:crypto";
import { claudeCodeSessionId } from "../providers/session-id.ts";
import type { MessagesRequest } from "../contracts/anthropic.ts";

/**
 * What keeps a conversation on one account: Claude Code's session id (its header, else the
 * `session_id` in `metadata.user_id`), else `metadata.user_id` itself, else a hash of the system
 * prompt and the first message, which stay the same for every turn of a conversation.
 */
export function sessionKey(req: MessagesRequest, inbound: Headers): string {
  const header = inbound.get("x-claude-code-session-id");
  if (header) return header;
  const id = claudeCodeSessionId(req, inbound);
  if (id) return id;
  const userId = req.metadata?.user_id;
  if (typeof userId === "string" && userId !== "") return `user:${userId}`;
  const hash = createHash("sha256");
  hash.update(JSON.stringify(req.system ?? ""));
  hash.update("\u0000");
  hash.update(JSON.stringify(req.messages[0] ?? ""));
  return `hash:${hash.digest("base64url").slice(0, 22)}`;
}
