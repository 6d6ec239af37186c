// What each measurement sends where. ccmux always receives Anthropic Messages; for the OpenAI
// rows it translates to Chat Completions, while direct and baseline post to the fake's Chat route.
import type { Endpoint, TargetName } from "./client.ts";
import type { LatencyCase } from "./latency.ts";
import { encodeJson, largeRequest, smallRequest } from "./payloads.ts";

export interface Urls {
  direct: string;
  baseline: string;
  ccmux: string;
}

export type Dialect = "anthropic" | "openai";
export type Size = "small" | "120KB";

export const ANTHROPIC_MODEL = "claude-sonnet-4-6";
export const OPENAI_MODEL = "gpt-bench";
export const SLOW_MODEL = "bench-slow";

function body(size: Size, model: string, stream: boolean): Uint8Array<ArrayBuffer> {
  return encodeJson(size === "small" ? smallRequest(model, stream) : largeRequest(model, stream));
}

export const modelFor = (dialect: Dialect) => (dialect === "openai" ? OPENAI_MODEL : ANTHROPIC_MODEL);

export function endpoints(urls: Urls, dialect: Dialect, size: Size, stream: boolean): Record<TargetName, Endpoint> {
  return endpointsWithBody(urls, dialect, body(size, modelFor(dialect), stream));
}

/** Every target gets the same body: ccmux on /v1/messages, direct and baseline on the dialect's own route. */
export function endpointsWithBody(
  urls: Urls,
  dialect: Dialect,
  b: Uint8Array<ArrayBuffer>,
): Record<TargetName, Endpoint> {
  const upstreamPath = dialect === "openai" ? "/v1/chat/completions" : "/v1/messages";
  return {
    direct: { url: urls.direct + upstreamPath, body: b },
    baseline: { url: urls.baseline + upstreamPath, body: b },
    ccmux: { url: `${urls.ccmux}/v1/messages`, body: b },
  };
}

export function latencyCase(urls: Urls, dialect: Dialect, size: Size, stream: boolean): LatencyCase {
  const kind = stream ? "first event (stream)" : "JSON";
  const label = dialect === "openai" ? "OpenAI translation" : "Anthropic pass-through";
  return { name: `${label}, ${kind}, ${size}`, stream, endpoints: endpoints(urls, dialect, size, stream) };
}

export function slowStreamEndpoint(ccmux: string): Endpoint {
  return { url: `${ccmux}/v1/messages`, body: encodeJson(smallRequest(SLOW_MODEL, true)) };
}
