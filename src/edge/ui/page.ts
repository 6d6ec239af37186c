import type { Context, Hono } from "hono";
import { RequestError } from "../../util/errors.ts";
import { UI_CSS, UI_HASH, UI_JS } from "../../ui/bundle.gen.ts";
import type { DepsHolder } from "../../proxy/deps.ts";
import { sessionCookie, type UiSessions } from "./sessions.ts";

export const UI_LOGIN_PATH = "/ui/login";
const JS_PATH = `/ui/app.${UI_HASH}.js`;
const CSS_PATH = `/ui/app.${UI_HASH}.css`;

/** The page shell: the bundle's one script and one stylesheet, nothing inline. */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>ccmux</title>
<link rel="stylesheet" href="${CSS_PATH}">
<script type="module" src="${JS_PATH}"></script>
</head>
<body>
<div id="app"><p class="boot">Loading ccmux…</p></div>
<noscript>The ccmux admin page needs JavaScript. The same data is at /api/status and /api/config/json.</noscript>
</body>
</html>
`;

function wantsHtml(c: Context): boolean {
  return (c.req.header("accept") ?? "").includes("text/html");
}

function asset(body: string, type: string): Response {
  return new Response(body, {
    headers: { "content-type": type, "cache-control": "public, max-age=31536000, immutable" },
  });
}

/**
 * The admin page at `GET /` (browsers; other clients keep getting the JSON service info), its
 * embedded assets, and the one-time login link `ccmux ui` opens when `server.admin_token` is set.
 * Mounted after the admin guard, which covers `/` and `/ui/*`.
 */
export function mountUi(app: Hono, holder: DepsHolder, sessions: UiSessions): void {
  app.get("/", (c, next) => (wantsHtml(c) ? c.html(PAGE) : next()));
  app.get(JS_PATH, () => asset(UI_JS, "text/javascript; charset=utf-8"));
  app.get(CSS_PATH, () => asset(UI_CSS, "text/css; charset=utf-8"));
  app.post("/api/ui/link", (c) => {
    const token = holder.current().config.server.admin_token;
    if (!token) return c.json({ path: "/" });
    return c.json({ path: `${UI_LOGIN_PATH}?code=${sessions.createLink(token)}` });
  });
  app.get(UI_LOGIN_PATH, (c) => {
    const token = holder.current().config.server.admin_token;
    if (!token) return c.redirect("/", 303);
    const id = sessions.redeem(c.req.query("code") ?? "", token);
    if (!id) throw new RequestError("This login link was already used or has expired: run `ccmux ui` again", 403);
    c.header("set-cookie", sessionCookie(id));
    return c.redirect("/", 303);
  });
}
