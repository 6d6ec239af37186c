import type { Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { runtime } from "../../runtime/index.ts";
import { anthropicErrorBody, RequestError } from "../../util/errors.ts";
import type { DepsHolder } from "../../proxy/deps.ts";
import { adminGuard } from "../middleware/admin-guard.ts";
import type { UiSessions } from "../ui/sessions.ts";
import { parseJsonBody, requireJsonContentType } from "../parse-body.ts";
import { configView, modelsView, providersView } from "../../config-edit/config-view.ts";
import {
  ConfigProblemsError,
  rawDocument,
  readConfigFile,
  saveConfig,
  type ConfigFile,
} from "../../config-edit/config-save.ts";

const MAX_ADMIN_BODY = 1024 * 1024;

const tooLarge = () => {
  throw new RequestError(`Admin request body exceeds ${MAX_ADMIN_BODY / 1024} KB`, 413, "request_too_large");
};

/** Saves one at a time, so two tabs cannot interleave their read-merge-write. */
function serialized<T>() {
  let tail: Promise<unknown> = Promise.resolve();
  return (task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

async function currentFile(holder: DepsHolder): Promise<ConfigFile | undefined> {
  const path = holder.configPath ?? holder.current().config.path;
  return path ? readConfigFile(path) : undefined;
}

async function getConfig(c: Context, holder: DepsHolder) {
  const file = await currentFile(holder);
  if (file) c.header("etag", file.etag);
  return c.json(configView(holder.current().config, file?.exists ? rawDocument(file.text) : undefined));
}

async function postConfig(c: Context, holder: DepsHolder, queue: ReturnType<typeof serialized<Response>>) {
  requireJsonContentType(c.req.header("content-type"));
  const body = parseJsonBody(await c.req.text());
  return queue(async () => {
    try {
      const outcome = await saveConfig(holder, body, { env: runtime.envAll(), ifMatch: c.req.header("if-match") });
      c.header("etag", outcome.etag);
      const applied = outcome.reloaded
        ? "and reloaded"
        : `; restart ccmux to apply it${outcome.reloadError ? ` (reload failed: ${outcome.reloadError})` : ""}`;
      const { path, reloaded, reloadError, commentsKept, warnings } = outcome;
      const message = `Configuration saved to ${path} ${applied}`;
      return c.json({
        status: "success",
        message,
        path,
        reloaded,
        reload_error: reloadError ?? null,
        comments_kept: commentsKept,
        warnings,
      });
    } catch (err) {
      if (!(err instanceof ConfigProblemsError)) throw err;
      return c.json({ ...anthropicErrorBody("invalid_request_error", err.message), problems: err.problems }, 400);
    }
  });
}

/**
 * The admin API (claude-code-mux's routes, without its leaks) and the guard for every admin
 * route, `GET /` included. Mount it before any other route so that later `/api/*` routes are
 * guarded too.
 */
export function mountAdminApi(app: Hono, holder: DepsHolder, sessions: UiSessions): void {
  const guard = adminGuard(holder, sessions);
  app.use("/", guard);
  app.use("/api/*", guard);
  app.use("/ui/*", guard);
  const queue = serialized<Response>();
  app.get("/api/config/json", (c) => getConfig(c, holder));
  app.post("/api/config/json", bodyLimit({ maxSize: MAX_ADMIN_BODY, onError: tooLarge }), (c) =>
    postConfig(c, holder, queue),
  );
  app.get("/api/providers", async (c) => {
    const file = await currentFile(holder);
    const raw = file?.exists ? rawDocument(file.text) : undefined;
    return c.json(providersView(holder.current().config, raw));
  });
  app.get("/api/models-config", (c) => c.json(modelsView(holder.current().config)));
}
