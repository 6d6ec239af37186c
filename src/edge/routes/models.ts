import type { Hono } from "hono";
import type { DepsHolder } from "../../proxy/deps.ts";
import { RequestError } from "../../util/errors.ts";

const CREATED_AT = "2025-01-01T00:00:00Z";
const CREATED_UNIX = Date.parse(CREATED_AT) / 1000;

/**
 * An OpenAI client's request: a Bearer token and no `anthropic-version` (Anthropic's SDKs always
 * send that header, also when they authenticate with a Bearer token).
 */
export function isOpenAIRequest(headers: Headers): boolean {
  return /^Bearer\s/i.test(headers.get("authorization") ?? "") && !headers.has("anthropic-version");
}

const anthropicModel = (id: string) => ({ type: "model", id, display_name: id, created_at: CREATED_AT });
const openAIModel = (id: string) => ({ id, object: "model", created: CREATED_UNIX, owned_by: "ccmux" });

function modelNames(holder: DepsHolder): string[] {
  return holder.current().router.modelNames.filter((n) => n !== "*");
}

/**
 * GET /v1/models and /v1/models/{id}: the configured `[[models]]` names, in OpenAI's shape to an
 * OpenAI client and in Anthropic's otherwise. An unknown id is a 404 in the same shape (app.ts).
 */
export function mountModelsRoute(app: Hono, holder: DepsHolder): void {
  app.get("/models", (c) => {
    const names = modelNames(holder);
    if (isOpenAIRequest(c.req.raw.headers)) return c.json({ object: "list", data: names.map(openAIModel) });
    return c.json({
      data: names.map(anthropicModel),
      has_more: false,
      first_id: names[0] ?? null,
      last_id: names.at(-1) ?? null,
    });
  });
  app.get("/models/:id{.+}", (c) => {
    const id = c.req.param("id") ?? "";
    if (!modelNames(holder).includes(id)) throw new RequestError(`model ${JSON.stringify(id)} not found`, 404);
    return c.json(isOpenAIRequest(c.req.raw.headers) ? openAIModel(id) : anthropicModel(id));
  });
}
