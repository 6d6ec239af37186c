import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ClientAbort, RequestError, anthropicErrorResponse, toAnthropicError } from "../util/errors.ts";
import { mountAdminApi } from "./admin/routes.ts";
import type { DepsHolder } from "./deps.ts";
import { inboundAuth } from "./middleware/inbound-auth.ts";
import { mountInfoRoutes, mountModelsRoute } from "./routes/info.ts";
import { messagesHandler } from "./routes/messages.ts";
import { mountStatusRoute } from "./routes/status.ts";
import { countTokensHandler } from "./routes/count-tokens.ts";

export const MAX_BODY_BYTES = 32 * 1024 * 1024;

const tooLarge = () => {
  throw new RequestError(`Request body exceeds the ${MAX_BODY_BYTES / 1024 / 1024} MB limit`, 413, "request_too_large");
};

/** The Hono app. Every error, on every route, leaves in Anthropic's envelope. */
export function createApp(holder: DepsHolder): Hono {
  const app = new Hono();
  app.onError((err, c) => {
    if (err instanceof ClientAbort) return new Response(null, { status: 499 });
    const { status } = toAnthropicError(err);
    if (status >= 500) holder.current().log.error(`${c.req.method} ${c.req.path}: ${err.message}`);
    else holder.current().log.info(`${c.req.method} ${c.req.path} → ${status}: ${err.message}`);
    return anthropicErrorResponse(err);
  });
  app.notFound((c) => anthropicErrorResponse(new RequestError(`No route for ${c.req.method} ${c.req.path}`, 404)));
  mountAdminApi(app, holder);
  mountInfoRoutes(app, holder);
  mountStatusRoute(app, holder);
  const proxy = new Hono();
  proxy.use(inboundAuth(holder), bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge }));
  proxy.post("/messages", messagesHandler(holder));
  proxy.post("/messages/count_tokens", countTokensHandler(holder));
  mountModelsRoute(proxy, holder);
  app.route("/v1", proxy);
  return app;
}
