import type { Context } from "hono";
import { parseMessagesRequest, requireJsonContentType } from "../parse-body.ts";
import type { DepsHolder } from "../../proxy/deps.ts";
import { proxyAnthropic } from "../../proxy/proxy-request.ts";

/** POST /v1/messages: parse, route, forward with failover, relay. */
export function messagesHandler(holder: DepsHolder) {
  return async (c: Context) => {
    const deps = holder.current();
    const started = performance.now();
    requireJsonContentType(c.req.header("content-type"));
    const text = await c.req.text();
    return proxyAnthropic(c, deps, parseMessagesRequest(text), { length: text.length, raw: text }, started);
  };
}
