import type { ProviderConfig } from "../../config/types.ts";
import type { MessageResponse, MessagesRequest } from "../../contracts/anthropic.ts";
import { renameTools, restoreToolNames, type ToolNameRestore } from "../../translate/anthropic/tool-names.ts";
import { restoreToolNamesInSse } from "../tool-name-restore.ts";
import { stripForeignThinking } from "../../translate/anthropic/strip-foreign-thinking.ts";
import { jsonObjectAsInstruction } from "../../translate/anthropic/json-object.ts";
import { spliceModel } from "../../translate/anthropic/splice-model.ts";
import { identifyingHeaders, shapeClaudeOAuthRequest } from "../../auth/claude-shaping.ts";
import { UpstreamError } from "../../util/errors.ts";
import { providerKind } from "../../catalog/providers.ts";
import { withAuthRetry } from "../auth-retry.ts";
import { isEventStream, joinUrl, relayHeaders, streamBody, upstreamFetch } from "../http.ts";
import type { Credentials, PassThrough, ProviderAdapter, SendContext } from "../../contracts/adapter.ts";
import { allowedBetaList, finishHeaders, type WireRules, wireRules, withoutFields, withQuery } from "../wire-shape.ts";
import { mapAnthropicError } from "../../translate/anthropic/errors.ts";

export const DEFAULT_ANTHROPIC_VERSION = "2023-06-01";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export interface AnthropicCall {
  headers: Headers;
  body: MessagesRequest;
  /** Upstream tool name → the client's, when the call renamed tools. */
  restore: ToolNameRestore;
}

/** Adds the credential to an outgoing call; OAuth providers also reshape the body (Claude Pro/Max rules). */
export type AnthropicAuthorizer = (
  call: AnthropicCall,
  creds: Credentials,
  config: ProviderConfig,
  inbound: Headers,
  rules: WireRules,
) => void;

/** Claude Pro/Max tokens: Bearer, Claude Code's betas, headers and identity block, accepted tool names. */
function authorizeClaudeOAuth(call: AnthropicCall, accessToken: string, inbound: Headers, rules: WireRules): void {
  const renamed = rules.renameTool ? renameTools(call.body, rules.renameTool) : undefined;
  const shaped = shapeClaudeOAuthRequest(renamed?.body ?? call.body, inbound, rules, accessToken);
  call.body = shaped.body;
  if (renamed) call.restore = renamed.restore;
  for (const name of shaped.headers.delete) call.headers.delete(name);
  for (const [name, value] of Object.entries(shaped.headers.set)) call.headers.set(name, value);
}

function authorizeDefault(
  call: AnthropicCall,
  creds: Credentials,
  config: ProviderConfig,
  inbound: Headers,
  rules: WireRules,
): void {
  if (config.auth_type === "oauth" && creds.accessToken)
    return authorizeClaudeOAuth(call, creds.accessToken, inbound, rules);
  for (const [name, value] of Object.entries(identifyingHeaders(inbound, rules))) call.headers.set(name, value);
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

function baseHeaders(config: ProviderConfig, inbound: Headers, stream: boolean, rules: WireRules): Headers {
  const headers = new Headers(config.headers);
  headers.set("content-type", "application/json");
  headers.set("accept", stream ? "text/event-stream" : "application/json");
  headers.set("anthropic-version", inbound.get("anthropic-version") || DEFAULT_ANTHROPIC_VERSION);
  const beta = allowedBetaList(inbound.get("anthropic-beta"), rules);
  if (beta) headers.set("anthropic-beta", beta);
  return headers;
}

/** Which table of wire-profiles.ts applies: Claude Pro/Max, a preset's, or the caller's (Vertex). */
function wireKind(config: ProviderConfig, opts: AnthropicAdapterOptions): string {
  return opts.wireKind ?? (config.auth_type === "oauth" ? "claude-oauth" : config.provider_type);
}

export interface AnthropicAdapterOptions {
  authorize?: AnthropicAuthorizer;
  /** Path appended to the base URL; Vertex uses its own. */
  path?: string;
  /** The messages URL per call, when model or streaming are part of it (Vertex); wins over `path`. */
  messagesUrl?: (model: string, stream: boolean) => string;
  /** Last change to the body before it is sent (Vertex: `anthropic_version` instead of `model`). */
  finalizeBody?: (body: MessagesRequest) => Record<string, unknown>;
  /** The wire-profiles.ts table to apply; by default chosen from the provider's type and auth. */
  wireKind?: string;
}

/**
 * A whole (non-streamed) answer is read and checked before it is relayed, byte for byte: a body
 * that is not JSON becomes a retryable 502, so failover applies, instead of a 200 the client
 * cannot parse.
 */
async function checkedJson(res: Response, provider: string): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = await res.bytes();
  try {
    JSON.parse(decoder.decode(bytes));
    return bytes;
  } catch {
    throw new UpstreamError({
      status: 502,
      message: `${provider}: upstream answered ${res.status} with a body that is not valid JSON`,
      provider,
      retryable: true,
    });
  }
}

interface Sent {
  res: Response;
  restore: ToolNameRestore;
}

const NO_RENAMES: ToolNameRestore = new Map();

/** The answer as relayed: the upstream's bytes, with the client's tool names put back when they were renamed. */
async function passThrough(res: Response, provider: string, restore: ToolNameRestore): Promise<PassThrough> {
  const headers = relayedOrCancel(res, provider);
  const { status } = res;
  if (isEventStream(res.headers)) {
    const body = streamBody(res, provider);
    return { kind: "pass-through", status, headers, stream: true, body: restoreToolNamesInSse(body, restore) };
  }
  const bytes = await checkedJson(res, provider);
  if (restore.size === 0) return { kind: "pass-through", status, headers, stream: false, body: bytes };
  const restored = restoreToolNames(JSON.parse(decoder.decode(bytes)) as MessageResponse, restore);
  return { kind: "pass-through", status, headers, stream: false, body: encoder.encode(JSON.stringify(restored)) };
}

/** The headers to relay; when they are refused, the body is released so no upstream connection stays open. */
function relayedOrCancel(res: Response, provider: string): Headers {
  try {
    return relayHeaders(res.headers, provider);
  } catch (err) {
    res.body?.cancel().catch(() => {});
    throw err;
  }
}

/** Pass-through to an Anthropic-compatible API: the body is forwarded whole and the answer relayed as it comes. */
export function createAnthropicAdapter(config: ProviderConfig, opts: AnthropicAdapterOptions = {}): ProviderAdapter {
  const base = config.base_url || providerKind(config.provider_type)?.baseUrl || "https://api.anthropic.com";
  const rules = wireRules(wireKind(config, opts), config);
  const messagesUrl = withQuery(joinUrl(base, opts.path ?? "/v1/messages"), rules);
  const countUrl = withQuery(joinUrl(base, "/v1/messages/count_tokens"), rules);
  const authorize = opts.authorize ?? authorizeDefault;

  async function attempt(url: string, req: MessagesRequest, ctx: SendContext, creds: Credentials): Promise<Sent> {
    const stripped = withoutFields(jsonObjectAsInstruction(stripForeignThinking(req)), rules.dropBodyFields);
    const prepared = { ...stripped, model: ctx.model };
    const headers = baseHeaders(config, ctx.inbound, req.stream === true, rules);
    const call: AnthropicCall = { headers, body: prepared, restore: NO_RENAMES };
    authorize(call, creds, config, ctx.inbound, rules);
    finishHeaders(call.headers, rules);
    const raw = ctx.raw?.request === stripped && call.body === prepared && !opts.finalizeBody ? ctx.raw : undefined;
    const text =
      (raw && spliceModel(raw.text, ctx.model)) ||
      JSON.stringify(opts.finalizeBody ? opts.finalizeBody(call.body) : call.body);
    const init = { method: "POST", headers: call.headers, body: text };
    const res = await upstreamFetch(url, init, ctx, config.name, mapAnthropicError);
    return { res, restore: call.restore };
  }

  const post = (url: string, req: MessagesRequest, ctx: SendContext) =>
    withAuthRetry(ctx, config.name, (creds) => attempt(url, req, ctx, creds));

  return {
    name: config.name,
    kind: config.provider_type,
    config,
    async send(req, ctx) {
      const url = opts.messagesUrl?.(ctx.model, req.stream === true) ?? messagesUrl;
      const { res, restore } = await post(url, req, ctx);
      return passThrough(res, config.name, restore);
    },
    async countTokens(req, ctx) {
      const { stream: _s, max_tokens: _m, ...rest } = req;
      const { res } = await post(countUrl, rest as MessagesRequest, ctx);
      const body = (await res.json()) as { input_tokens?: unknown };
      if (typeof body.input_tokens !== "number")
        throw new UpstreamError({ status: 502, message: `${config.name}: count_tokens answer has no input_tokens` });
      return body.input_tokens;
    },
  };
}
