import type { Hono } from "hono";
import { runtime } from "../../runtime/index.ts";
import type { Scrub } from "../../util/errors.ts";
import { healthKey } from "../../providers/health.ts";
import { accountStatuses } from "../../pool/account-status.ts";
import type { AppDeps, DepsHolder } from "../../proxy/deps.ts";
import { secretScrubber } from "../../proxy/secret-scrub.ts";

const ROUTE_SLOTS = ["default", "background", "think", "websearch", "long_context", "image"] as const;

/** Server, routing and per-provider health, for `ccmux status` and the web UI. Never a secret. */
export function statusReport(deps: AppDeps) {
  const { config } = deps;
  const scrub = secretScrubber(deps);
  const shown = (path: string, value: string | undefined) => config.env_refs?.get(path) ?? value ?? null;
  const routes = Object.fromEntries(ROUTE_SLOTS.map((slot) => [slot, shown(`router.${slot}`, config.router[slot])]));
  const providers = config.providers.map((p, i) => ({
    name: shown(`providers[${i}].name`, p.name),
    provider_type: p.provider_type,
    enabled: p.enabled,
    ...withScrubbedError(deps.health.snapshot(healthKey(p.name)), scrub),
    ...(p.accounts && p.pool
      ? {
          strategy: p.pool.strategy,
          accounts: accountStatuses(p, deps.pools, deps.health).map((a) => ({
            ...a,
            reason: a.reason === null ? null : scrub(a.reason),
          })),
        }
      : {}),
  }));
  return {
    status: "ok",
    version: deps.version,
    runtime: runtime.name,
    uptime_s: Math.round((Date.now() - deps.startedAt) / 1000),
    config_path: config.path ?? null,
    routes,
    providers,
  };
}

/** An upstream may have echoed a configured key in the error it answered. */
function withScrubbedError<T extends { last_error: string | null }>(snapshot: T, scrub: Scrub): T {
  return snapshot.last_error === null ? snapshot : { ...snapshot, last_error: scrub(snapshot.last_error) };
}

/** GET /api/status. The admin guard in front of /api/* decides who may read it. */
export function mountStatusRoute(app: Hono, holder: DepsHolder): void {
  app.get("/api/status", (c) => c.json(statusReport(holder.current())));
}
