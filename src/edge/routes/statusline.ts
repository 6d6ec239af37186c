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
  const today = todayTotal();
  let prices = { from: holder.current().config.prices, book: priceBook(holder.current().config.prices) };
  proxy.get("/ccmux/statusline", (c) => {
    const deps = holder.current();
    const session = c.req.query("session");
    deps.flushUsage?.();
    if (prices.from !== deps.config.prices) prices = { from: deps.config.prices, book: priceBook(deps.config.prices) };
    const figures = deps.database?.use((db) => today.read(db, prices.book));
    return c.json(statuslineAnswer(session ? sessions.get(session) : undefined, figures), 200, {
      "cache-control": "no-store",
    });
  });
}
