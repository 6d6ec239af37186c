import type { Hono } from "hono";
import type { DepsHolder } from "../../proxy/deps.ts";
import { priceBook } from "../../usage/prices.ts";
import { statuslineAnswer, todayTotal, trackSessionAnswers } from "../../usage/statusline.ts";

/**
 * `GET /v1/ccmux/statusline?session=<Claude Code's session id>`: the line `ccmux statusline`
 * prints. Under the proxy's guards: whoever may send requests through ccmux may read it.
 */
export function mountStatuslineRoute(proxy: Hono, holder: DepsHolder): void {
  const sessions = trackSessionAnswers(holder.current().requests);
  proxy.get("/ccmux/statusline", (c) => {
    const deps = holder.current();
    const session = c.req.query("session");
    deps.flushUsage?.();
    const prices = priceBook(deps.config.prices);
    const today = deps.database?.use((db) => todayTotal(db, prices));
    return c.json(statuslineAnswer(session ? sessions.get(session) : undefined, today), 200, {
      "cache-control": "no-store",
    });
  });
}
