import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ClientAbort, RequestError, anthropicErrorResponse, toAnthropicError, type Scrub } from "../util/errors.ts";
import { maskKnownSecrets, type Logger } from "../util/log.ts";
import { mountAdminApi } from "./admin/routes.ts";
import { mountOAuthAdmin } from "./admin/oauth-routes.ts";
import type { DepsHolder } from "../proxy/deps.ts";
import { knownSecrets, scrubError, secretScrubber } from "../proxy/secret-scrub.ts";
import { wasLogged } from "../proxy/request-trace.ts";
import { mountUi } from "./ui/page.ts";
import { mountUiApi } from "./ui/routes.ts";
import { createLiveLog, mountLiveLog } from "./ui/live-log.ts";
import { createUiSessions } from "./ui/sessions.ts";
import { mountUsageRoutes } from "./admin/usage-routes.ts";
import { mountMetrics } from "./admin/metrics-route.ts";
import { browserGuard } from "./middleware/admin-guard.ts";
import { inboundAuth } from "./middleware/inbound-auth.ts";
import { requestBodyTimeout } from "./middleware/body-timeout.ts";
import { mountInfoRoutes } from "./routes/info.ts";
import { isOpenAIRequest, mountModelsRoute } from "./routes/models.ts";
import { messagesHandler } from "./routes/messages.ts";
import { mountStatusRoute } from "./routes/status.ts";
import { mountStatuslineRoute } from "./routes/statusline.ts";
import { countTokensHandler } from "./routes/count-tokens.ts";
import { chatCompletionsHandler } from "./routes/chat-completions.ts";
import { openAIErrorResponse } from "./routes/front-door.ts";
import { responsesHandler } from "./routes/responses.ts";

export const MAX_BODY_BYTES = 32 * 1024 * 1024;

const tooLarge = () => {
  throw new RequestError(`Request body exceeds the ${MAX_BODY_BYTES / 1024 / 1024} MB limit`, 413, "request_too_large");
};

const OPENAI_ROUTES = new Set(["/v1/chat/completions", "/v1/responses"]);

/** OpenAI's front doors, and the models list when an OpenAI client asks for it. */
function speaksOpenAI(req: Request, path: string): boolean {
  return OPENAI_ROUTES.has(path) || (/^\/v1\/models(\/|$)/.test(path) && isOpenAIRequest(req.headers));
}

/** Errors leave in Anthropic's envelope, or in OpenAI's to an OpenAI client. */
function errorResponse(req: Request, path: string, err: unknown, scrub?: Scrub): Response {
  return speaksOpenAI(req, path) ? openAIErrorResponse(err, scrub) : anthropicErrorResponse(err, {}, scrub);
}

function logError(log: Logger, what: string, err: Error): void {
  const { status } = toAnthropicError(err);
  if (status >= 500) log.error(`${what}: ${err.message}`);
  else log.info(`${what} → ${status}: ${err.message}`);
}

/** The Hono app. Every error, on every route, leaves in the client's own API shape. */
export function createApp(holder: DepsHolder): Hono {
  const app = new Hono();
  maskKnownSecrets(holder.current().log, () => knownSecrets(holder.current()));
  app.onError((err, c) => {
    if (err instanceof ClientAbort) return new Response(null, { status: 499 });
    const deps = holder.current();
    scrubError(err, deps);
    // A proxied request's failure is on its request line already.
    if (!wasLogged(err)) logError(deps.log, `${c.req.method} ${c.req.path}`, err);
    return errorResponse(c.req.raw, c.req.path, err, secretScrubber(deps));
  });
  app.notFound((c) =>
    errorResponse(c.req.raw, c.req.path, new RequestError(`No route for ${c.req.method} ${c.req.path}`, 404)),
  );
  app.use(requestBodyTimeout(holder));
  const sessions = createUiSessions();
  mountAdminApi(app, holder, sessions);
  mountUi(app, holder, sessions);
  mountUiApi(app, holder);
  mountLiveLog(app, createLiveLog(holder.current().requests));
  mountOAuthAdmin(app, holder);
  mountUsageRoutes(app, holder);
  mountMetrics(app, holder, sessions);
  mountInfoRoutes(app, holder);
  mountStatusRoute(app, holder);
  const proxy = new Hono();
  proxy.use(browserGuard(holder), inboundAuth(holder), bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge }));
  proxy.post("/messages", messagesHandler(holder));
  proxy.post("/messages/count_tokens", countTokensHandler(holder));
  proxy.post("/chat/completions", chatCompletionsHandler(holder));
  proxy.post("/responses", responsesHandler(holder));
  mountModelsRoute(proxy, holder);
  mountStatuslineRoute(proxy, holder);
  app.route("/v1", proxy);
  return app;
}
