import type { Hono } from "hono";
import { priceBook } from "../../usage/prices.ts";
import { parseGrouping, parseSince, usageReport } from "../../usage/report.ts";
import { CcmuxError } from "../../util/errors.ts";
import type { AppDeps, DepsHolder } from "../../proxy/deps.ts";

function unavailable(deps: AppDeps): never {
  const why = deps.database ? `the database ${deps.database.path} is unavailable (see the log)` : "no database is open";
  throw new CcmuxError(`Usage history is unavailable: ${why}`, 503, "api_error");
}

/** `GET /api/usage?since=7d&by=model|provider|day|account`: the figures `ccmux usage` prints. Behind the admin guard. */
export function mountUsageRoutes(app: Hono, holder: DepsHolder): void {
  app.get("/api/usage", (c) => {
    const deps = holder.current();
    const since = parseSince(c.req.query("since") ?? "7d");
    const by = parseGrouping(c.req.query("by") ?? "model");
    const prices = priceBook(deps.config.prices);
    const report = deps.database?.use((db) => usageReport(db, { since, by, prices }));
    return report ? c.json(report) : unavailable(deps);
  });
}
