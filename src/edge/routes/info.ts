import type { Hono } from "hono";
import { runtime } from "../../runtime/index.ts";
import type { DepsHolder } from "../../proxy/deps.ts";

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
