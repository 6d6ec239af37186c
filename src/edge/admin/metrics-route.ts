import type { Hono, MiddlewareHandler } from "hono";
import type { DepsHolder } from "../../proxy/deps.ts";
import { EXPOSITION_CONTENT_TYPE } from "../../usage/exposition.ts";
import { startRequestMetrics } from "../../usage/metrics.ts";
import { stateLines } from "../../usage/state-metrics.ts";
import { safeEqual } from "../../util/safe-equal.ts";
import { adminGuard } from "../middleware/admin-guard.ts";
import type { UiSessions } from "../ui/sessions.ts";

function bearer(header: string | undefined): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(header ?? "")?.[1]?.trim();
}

/**
 * The admin guard, except that a request bearing `server.metrics_token` passes without the
 * Host and origin checks: a Prometheus on another machine scrapes with its own token, which
 * opens this route only.
 */
function metricsGuard(holder: DepsHolder, sessions: UiSessions): MiddlewareHandler {
  const guard = adminGuard(holder, sessions);
  return async (c, next) => {
    const token = holder.current().config.server.metrics_token;
    const given = bearer(c.req.header("authorization"));
    if (token && given && safeEqual(given, token)) return next();
    return guard(c, next);
  };
}

/** `GET /metrics` in Prometheus' text format: request counters since start, and state read at scrape time. */
export function mountMetrics(app: Hono, holder: DepsHolder, sessions: UiSessions): void {
  const requests = startRequestMetrics(holder.current().requests);
  app.get("/metrics", metricsGuard(holder, sessions), (c) => {
    const text = [...requests.lines(), ...stateLines(holder.current())].join("\n");
    return c.body(`${text}\n`, 200, { "content-type": EXPOSITION_CONTENT_TYPE, "cache-control": "no-store" });
  });
}
