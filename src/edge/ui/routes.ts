import type { Context, Hono } from "hono";
import { OAUTH_KINDS } from "../../auth/types.ts";
import { PROVIDER_KINDS } from "../../catalog/providers.ts";
import { explainRoute, probeRequest } from "../../router/explain.ts";
import { RequestError } from "../../util/errors.ts";
import type { DepsHolder } from "../../proxy/deps.ts";
import { parseJsonBody, requireJsonContentType } from "../parse-body.ts";
import { messagesHandler } from "../routes/messages.ts";
import { statusReport } from "../routes/status.ts";

const LOGIN_LABELS: Record<string, string> = {
  anthropic: "Claude Pro/Max (Anthropic)",
  "anthropic-console": "Anthropic Console (API key)",
  openai: "ChatGPT Plus/Pro (Codex)",
  google: "Google (Gemini Code Assist)",
};

const ROUTE_SLOTS = ["default", "background", "think", "websearch", "long_context", "image"];

/** Static facts the page's forms need: provider types, login kinds, route slots. */
function meta() {
  return {
    provider_kinds: Object.entries(PROVIDER_KINDS).map(([type, k]) => ({
      type,
      dialect: k.dialect,
      base_url: k.baseUrl ?? null,
      keyless: Boolean(k.keyless),
    })),
    oauth_kinds: OAUTH_KINDS.map((kind) => ({
      kind,
      label: LOGIN_LABELS[kind] ?? kind,
      paste: kind.startsWith("anthropic"),
    })),
    route_slots: ROUTE_SLOTS,
  };
}

function listenUrl(bound: { host: string; port: number } | undefined): string | null {
  if (!bound) return null;
  const host = bound.host.includes(":") && !bound.host.startsWith("[") ? `[${bound.host}]` : bound.host;
  return `http://${host}:${bound.port}`;
}

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && x !== "") : undefined;

/** POST /api/route/explain: `ccmux route`'s explanation for a probe request, under the running config. */
async function explain(c: Context, holder: DepsHolder) {
  requireJsonContentType(c.req.header("content-type"));
  const body = parseJsonBody(await c.req.text());
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new RequestError("Request body must be a JSON object");
  const b = body as Record<string, unknown>;
  const base = b.base;
  if (base !== undefined && (base === null || typeof base !== "object" || Array.isArray(base)))
    throw new RequestError("base must be a JSON object (a Messages request body)");
  const req = probeRequest({
    base: base as Record<string, unknown> | undefined,
    model: typeof b.model === "string" ? b.model : undefined,
    thinking: b.thinking === true,
    tools: strings(b.tools),
  });
  const provider = typeof b.provider === "string" && b.provider ? b.provider : undefined;
  return c.json(explainRoute(holder.current().config, req, { xProvider: provider }));
}

/**
 * The admin page's own API, under the admin guard: its static facts, the overview, the route
 * explanation and the test console (the real /v1/messages pipeline, with the admin token or
 * page session standing in for the proxy's api_key).
 */
export function mountUiApi(app: Hono, holder: DepsHolder): void {
  app.get("/api/ui/meta", (c) => c.json(meta()));
  app.get("/api/ui/overview", (c) => {
    const deps = holder.current();
    return c.json({
      ...statusReport(deps),
      listen: listenUrl(deps.bound),
      config_path: holder.configPath ?? deps.config.path ?? null,
    });
  });
  app.post("/api/route/explain", (c) => explain(c, holder));
  app.post("/api/test/messages", messagesHandler(holder));
}
