import type { ProviderConfig } from "../../config/types.ts";
import { chatgptAccountId } from "../../auth/jwt.ts";
import { collectEvents, firstEventTimeout } from "../hold-start.ts";
import { assembleFromStream } from "../../translate/anthropic/assemble.ts";
import type { MessagesRequest } from "../../contracts/anthropic.ts";
import { mapResponsesError } from "../../translate/responses/errors.ts";
import { toResponsesRequest } from "../../translate/responses/request.ts";
import { fromResponsesResponse } from "../../translate/responses/response.ts";
import { responsesStreamTranslator } from "../../translate/responses/stream.ts";
import { withAuthRetry } from "../auth-retry.ts";
import { providerKind } from "../../catalog/providers.ts";
import { joinUrl, streamBody, upstreamFetch } from "../http.ts";
import { readJsonBody, translatedMessage, translatedStream } from "../upstream-answer.ts";
import { conversationId } from "../session-id.ts";
import { headerSafe } from "../../util/wire-text.ts";
import { renameTools, restoreToolNames, type ToolNameRestore } from "../../translate/anthropic/tool-names.ts";
import { fitName } from "../../translate/shared/short-name.ts";
import { restoringTranslator } from "../tool-name-restore.ts";
import { translatedEvents } from "../../stream/translated-events.ts";
import { fillSlots, finishHeaders, type WireRules, wireRules } from "../wire-shape.ts";
import type { AdapterOptions, Credentials, ProviderAdapter, SendContext } from "../../contracts/adapter.ts";

export const CODEX_BASE_URL = "https://chatgpt.com/backend-api/codex";
/** Tool names longer than this are a 400 at the Responses API (and at the Codex endpoint). */
const MAX_TOOL_NAME = 64;

/** ChatGPT OAuth (Codex endpoint) when auth_type is "oauth"; the public Responses API with a key otherwise. */
function endpointUrl(config: ProviderConfig, opts: AdapterOptions, codex: boolean): string {
  if (codex) return joinUrl(opts.env.CCMUX_CODEX_BASE_URL || CODEX_BASE_URL, "/responses");
  const base = config.base_url || providerKind("openai-responses")?.baseUrl || "https://api.openai.com/v1";
  return joinUrl(base, "/responses");
}

function buildHeaders(
  config: ProviderConfig,
  creds: Credentials,
  codex: WireRules | undefined,
  sessionId: string,
  stream: boolean,
): Headers {
  const headers = new Headers(config.headers);
  headers.set("content-type", "application/json");
  headers.set("accept", stream ? "text/event-stream" : "application/json");
  const token = creds.accessToken ?? creds.apiKey;
  if (token) headers.set("authorization", `Bearer ${token}`);
  if (!codex) return headers;
  const accountId = creds.accountId ?? chatgptAccountId(creds.accessToken);
  if (accountId) headers.set("chatgpt-account-id", accountId);
  for (const [name, value] of Object.entries(codex.markers)) headers.set(name, value);
  headers.set("session_id", headerSafe(sessionId));
  return finishHeaders(headers, codex);
}

/** The Codex wire rules with the user agent's host slots filled once. */
function codexRules(config: ProviderConfig): WireRules {
  const rules = wireRules("codex", config);
  const markers = Object.fromEntries(Object.entries(rules.markers).map(([k, v]) => [k, fillSlots(v)]));
  return { ...rules, markers };
}

/**
 * The OpenAI Responses API behind Anthropic's Messages API: ChatGPT Plus/Pro through the Codex
 * endpoint (stream-only, so non-streaming clients get the stream assembled), or the public API.
 */
export function createResponsesAdapter(config: ProviderConfig, opts: AdapterOptions): ProviderAdapter {
  const codex = config.auth_type === "oauth";
  const url = endpointUrl(config, opts, codex);
  const rules = codex ? codexRules(config) : undefined;

  async function call(req: MessagesRequest, ctx: SendContext): Promise<{ res: Response; restore: ToolNameRestore }> {
    const sessionId = conversationId(req, ctx.inbound);
    const renamed = renameTools(req, (name) => fitName(name, MAX_TOOL_NAME));
    const body = toResponsesRequest(renamed.body, { model: ctx.model, codex, sessionId });
    const res = await withAuthRetry(ctx, config.name, (creds) => {
      const init = {
        method: "POST",
        headers: buildHeaders(config, creds, rules, sessionId, body.stream),
        body: JSON.stringify(body),
      };
      return upstreamFetch(url, init, ctx, config.name, mapResponsesError);
    });
    return { res, restore: renamed.restore };
  }

  return {
    name: config.name,
    kind: config.provider_type,
    config,
    async send(req, ctx) {
      const { res, restore } = await call(req, ctx);
      const translator = () => restoringTranslator(responsesStreamTranslator({ model: req.model }), restore);
      if (req.stream === true) {
        return translatedStream(res, config.name, translator(), req, ctx);
      }
      const answer = codex
        ? assembleFromStream(
            await collectEvents(translatedEvents(streamBody(res, config.name), translator()), {
              ms: firstEventTimeout(ctx.timeouts),
              provider: config.name,
            }),
          )
        : fromResponsesResponse(await readJsonBody(res, config.name), { model: req.model });
      return translatedMessage(restoreToolNames(answer, restore), req);
    },
  };
}
