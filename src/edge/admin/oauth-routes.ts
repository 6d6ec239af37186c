import type { Context, Hono } from "hono";
import { createOAuthAdmin, type OAuthAdmin } from "../../auth/admin.ts";
import { RequestError } from "../../util/errors.ts";
import type { AuthContext } from "../../auth/context.ts";
import type { DepsHolder } from "../../proxy/deps.ts";
import { hostGuard } from "../middleware/admin-guard.ts";
import { parseJsonBody, requireJsonContentType } from "../parse-body.ts";

const CALLBACK_PATHS = ["/api/oauth/callback", "/auth/callback", "/oauth2callback"];

type Body = Record<string, unknown> | null | undefined;

async function jsonBody(c: Context): Promise<Body> {
  requireJsonContentType(c.req.header("content-type"));
  const body = parseJsonBody(await c.req.text());
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new RequestError("Request body must be a JSON object");
  return body as Body;
}

/**
 * claude-code-mux's OAuth admin routes on top of the auth layer's handlers: no token, refresh
 * token or verifier in any response (the verifier stays server-side, keyed by `state`), callback
 * pages HTML-escaped and served only to the loopback Host ccmux is bound to. `/api/*` is already
 * behind the admin guard (mounted first).
 */
export function mountOAuthAdmin(app: Hono, holder: DepsHolder): void {
  // One handler set (and pending-login table) per token store, so logins survive config reloads.
  const admins = new WeakMap<AuthContext, OAuthAdmin>();
  const adminFor = (): OAuthAdmin => {
    const deps = holder.current();
    if (!deps.auth) throw new RequestError("OAuth is not available on this server", 404);
    let admin = admins.get(deps.auth);
    if (!admin) {
      admin = createOAuthAdmin({
        store: deps.auth.store,
        flows: deps.auth.flows,
        fetch: deps.fetch,
        log: deps.log,
        port: deps.bound?.port,
      });
      admins.set(deps.auth, admin);
    }
    return admin;
  };
  app.post("/api/oauth/authorize", async (c) => c.json(await adminFor().authorize(await jsonBody(c))));
  app.post("/api/oauth/exchange", async (c) => c.json(await adminFor().exchange(await jsonBody(c))));
  app.get("/api/oauth/tokens", async (c) => c.json(await adminFor().listTokens()));
  app.post("/api/oauth/tokens/refresh", async (c) => c.json(await adminFor().refreshToken(await jsonBody(c))));
  app.post("/api/oauth/tokens/delete", async (c) => c.json(await adminFor().deleteToken(await jsonBody(c))));
  for (const path of CALLBACK_PATHS) {
    app.get(path, hostGuard(holder), async (c) => {
      const { status, html } = await adminFor().callbackPage(new URL(c.req.url));
      return c.html(html, status as 200);
    });
  }
}
