import type { Hono } from "hono";
import { runtime } from "../../runtime/index.ts";
import type { DepsHolder } from "../../proxy/deps.ts";

const CREATED_AT = "2025-01-01T00:00:00Z";

/** HEAD / (Claude Code's preconnect probe) and GET /health. */
export function mountInfoRoutes(app: Hono, holder: DepsHolder): void {
  app.get("/", (c) => c.json({ service: "ccmux", version: holder.current().version }));
  app.get("/health", (c) => {
    const deps = holder.current();
    return c.json({
      status: "ok",
      service: "ccmux",
      version: deps.version,
      runtime: runtime.name,
      pid: runtime.pid(),
      uptime_s: Math.round((Date.now() - deps.startedAt) / 1000),
    });
  });
}

/** GET /v1/models: the configured `[[models]]` names in Anthropic's list shape. */
export function mountModelsRoute(app: Hono, holder: DepsHolder): void {
  app.get("/models", (c) => {
    const names = holder.current().router.modelNames.filter((n) => n !== "*");
    const data = names.map((id) => ({ type: "model", id, display_name: id, created_at: CREATED_AT }));
    return c.json({ data, has_more: false, first_id: names[0] ?? null, last_id: names.at(-1) ?? null });
  });
}
