import type { MessagesRequest } from "../contracts/anthropic.ts";

/** Claude Code's conversation id: `session_id` inside the JSON `metadata.user_id`, else its session header. */
export function claudeCodeSessionId(req: MessagesRequest, inbound: Headers): string | undefined {
  const userId = req.metadata?.user_id;
  if (typeof userId === "string" && userId.startsWith("{")) {
    try {
      const id = (JSON.parse(userId) as { session_id?: unknown }).session_id;
      if (typeof id === "string" && id !== "") return id;
    } catch {
      // not JSON after all: fall through to the header
    }
  }
  return inbound.get("x-claude-code-session-id") || undefined;
}

/** A stable id per conversation (prompt caching, sticky routing), or a fresh one per request. */
export function conversationId(req: MessagesRequest, inbound: Headers): string {
  return claudeCodeSessionId(req, inbound) ?? crypto.randomUUID();
}
