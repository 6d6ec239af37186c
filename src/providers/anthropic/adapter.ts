import type { ProviderConfig } from "../../config/types.ts";
import type { MessagesRequest } from "../../contracts/anthropic.ts";
import { stripForeignThinking } from "../../translate/anthropic/strip-foreign-thinking.ts";
import { spliceModel } from "../../translate/anthropic/splice-model.ts";
import { shapeClaudeOAuthRequest } from "../../auth/claude-shaping.ts";
import { UpstreamError } from "../../util/errors.ts";
import { providerKind } from "../../catalog/providers.ts";
import { withAuthRetry } from "../auth-retry.ts";
import { isEventStream, joinUrl, relayHeaders, upstreamFetch } from "../http.ts";
import type { Credentials, ProviderAdapter, SendContext } from "../../contracts/adapter.ts";
import { anthropicErrorToUpstream } from "./errors.ts";

export const DEFAULT_ANTHROPIC_VERSION = "2023-06-01";

export interface AnthropicCall {
  headers: Headers;
  body: MessagesRequest;
}

/** Adds the credential to an outgoing call; OAuth providers also reshape the body (Claude Pro/Max rules). */
export type AnthropicAuthorizer = (
  call: AnthropicCall,
  creds: Credentials,
  config: ProviderConfig,
  inbound: Headers,
) => void;

/** Claude Pro/Max tokens: Bearer, the oauth beta and the Claude Code identity block. */
function authorizeClaudeOAuth(call: AnthropicCall, accessToken: string): void {
  const shaped = shapeClaudeOAuthRequest(call.body, call.headers.get("anthropic-beta"), accessToken);
  call.body = shaped.body;
  for (const name of shaped.headers.delete) call.headers.delete(name);
  for (const [name, value] of Object.entries(shaped.headers.set)) call.headers.set(name, value);
}

function authorizeDefault(call: AnthropicCall, creds: Credentials, config: ProviderConfig, inbound: Headers): void {
  if (config.auth_type === "oauth" && creds.accessToken) return authorizeClaudeOAuth(call, creds.accessToken);
  if (config.auth_type === "passthrough") {
    for (const name of ["x-api-key", "authorization"]) {
      const v = inbound.get(name);
      if (v) call.headers.set(name, v);
    }
    return;
  }
  if (creds.accessToken) call.headers.set("authorization", `Bearer ${creds.accessToken}`);
  else if (creds.apiKey) call.headers.set("x-api-key", creds.apiKey);
}

function baseHeaders(config: ProviderConfig, inbound: Headers, stream: boolean): Headers {
  const headers = new Headers(config.headers);
  headers.set("content-type", "application/json");
  headers.set("accept", stream ? "text/event-stream" : "application/json");
  headers.set("anthropic-version", inbound.get("anthropic-version") || DEFAULT_ANTHROPIC_VERSION);
  const beta = inbound.get("anthropic-beta");
  if (beta) headers.set("anthropic-beta", beta);
  return headers;
}

export interface AnthropicAdapterOptions {
  authorize?: AnthropicAuthorizer;
  /** Path appended to the base URL; Vertex uses its own. */
  path?: string;
  /** The messages URL per call, when model or streaming are part of it (Vertex); wins over `path`. */
  messagesUrl?: (model: string, stream: boolean) => string;
  /** Last change to the body before it is sent (Vertex: `anthropic_version` instead of `model`). */
  finalizeBody?: (body: MessagesRequest) => Record<string, unknown>;
}

/**
 * A whole (non-streamed) answer is read and checked before it is relayed, byte for byte: a body
 * that is not JSON becomes a retryable 502, so failover applies, instead of a 200 the client
 * cannot parse.
 */
async function checkedJson(res: Response, provider: string): Promise<string> {
  const text = await res.text();
  try {
    JSON.parse(text);
    return text;
  } catch {
    throw new UpstreamError({
      status: 502,
      message: `${provider}: upstream answered ${res.status} with a body that is not valid JSON`,
      provider,
      retryable: true,
    });
  }
}

/** Pass-through to an Anthropic-compatible API: the body is forwarded whole and the answer relayed as it comes. */
export function createAnthropicAdapter(config: ProviderConfig, opts: AnthropicAdapterOptions = {}): ProviderAdapter {
  const base = config.base_url || providerKind(config.provider_type)?.baseUrl || "https://api.anthropic.com";
  const messagesUrl = joinUrl(base, opts.path ?? "/v1/messages");
  const countUrl = joinUrl(base, "/v1/messages/count_tokens");
  const authorize = opts.authorize ?? authorizeDefault;

  async function attempt(url: string, req: MessagesRequest, ctx: SendContext, creds: Credentials): Promise<Response> {
    const stripped = stripForeignThinking(req);
    const prepared = { ...stripped, model: ctx.model };
    const call: AnthropicCall = { headers: baseHeaders(config, ctx.inbound, req.stream === true), body: prepared };
    authorize(call, creds, config, ctx.inbound);
    const unchanged = ctx.rawBody !== undefined && stripped === req && call.body === prepared && !opts.finalizeBody;
    const text =
      (unchanged && spliceModel(ctx.rawBody!, ctx.model)) ||
      JSON.stringify(opts.finalizeBody ? opts.finalizeBody(call.body) : call.body);
    const init = { method: "POST", headers: call.headers, body: text };
    return upstreamFetch(url, init, ctx, config.name, anthropicErrorToUpstream);
  }

  const post = (url: string, req: MessagesRequest, ctx: SendContext) =>
    withAuthRetry(ctx, config.name, (creds) => attempt(url, req, ctx, creds));

  return {
    name: config.name,
    kind: config.provider_type,
    config,
    async send(req, ctx) {
      const res = await post(opts.messagesUrl?.(ctx.model, req.stream === true) ?? messagesUrl, req, ctx);
      const body = req.stream === true || isEventStream(res.headers) ? res.body : await checkedJson(res, config.name);
      return new Response(body, { status: res.status, headers: relayHeaders(res.headers) });
    },
    async countTokens(req, ctx) {
      const { stream: _s, max_tokens: _m, ...rest } = req;
      const res = await post(countUrl, rest as MessagesRequest, ctx);
      const body = (await res.json()) as { input_tokens?: unknown };
      if (typeof body.input_tokens !== "number")
        throw new UpstreamError({ status: 502, message: `${config.name}: count_tokens answer has no input_tokens` });
      return body.input_tokens;
    },
  };
}
