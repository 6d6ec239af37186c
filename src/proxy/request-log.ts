import type { Attempt } from "./attempts.ts";
import type { FinishedRequest } from "./request-record.ts";

/** How much of one attempt's failure text the line keeps. */
const WHY_MAX = 160;

function shorten(text: string, max = WHY_MAX): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function who(provider: string, account: string | undefined, model: string): string {
  if (!provider) return "(no provider)";
  return `${account ? `${provider}[${account}]` : provider}/${model || "?"}`;
}

function attemptText(a: Attempt): string {
  const name = who(a.provider, a.account, a.model);
  if (a.outcome === "ok") return `${name} ok`;
  if (a.skipped) return `${name} skipped (${shorten(a.outcome)})`;
  const type = a.errorType ? ` ${a.errorType}` : "";
  return `${name} failed${type} (${shorten(a.outcome)})`;
}

/** One attempt that answered is just "1"; anything else lists who was tried and why each failed. */
function attemptsText(attempts: Attempt[]): string {
  if (attempts.length === 0) return "0";
  if (attempts.length === 1 && attempts[0]!.outcome === "ok") return "1";
  return `${attempts.length} [${attempts.map(attemptText).join("; ")}]`;
}

function tokensText(r: FinishedRequest): string {
  const { input, output, cacheRead, cacheWrite } = r.tokens;
  return `in ${input} out ${output} cached ${cacheRead}${cacheWrite ? ` cache-write ${cacheWrite}` : ""}`;
}

function latencyText(r: FinishedRequest): string {
  const ttft = r.ttftMs === undefined ? "" : ` (first byte ${Math.round(r.ttftMs)}ms)`;
  return `${Math.round(r.latencyMs)}ms${ttft}`;
}

/**
 * The request line's fields, in order, as [name, text] pairs: pure, no clock, no body, no secret
 * (the logger's redaction still runs over the joined line). Names are the README's field names.
 */
export function logFields(r: FinishedRequest): [string, string][] {
  const fields: [string, string][] = [
    ["model", `${r.requestedModel || "?"} → ${r.route || "?"} → ${who(r.provider, r.account, r.upstreamModel)}`],
    ["endpoint", r.endpoint],
    ["mode", r.stream ? "stream" : "json"],
    ["status", String(r.status)],
    ["latency", latencyText(r)],
    ["tokens", tokensText(r)],
    ["attempts", attemptsText(r.attempts)],
  ];
  if (r.clientAbort) fields.push(["abort", "client aborted"]);
  if (r.failure) fields.push(["failure", shorten(r.failure, 240)]);
  return fields;
}

const LABELLED = new Set(["tokens", "attempts"]);

/** `claude-x → default → up/model /v1/messages stream 200 812ms tokens in 12 out 4 cached 0 attempts 1`. */
export function requestLine(r: FinishedRequest): string {
  return logFields(r)
    .map(([name, text]) => {
      if (LABELLED.has(name)) return `${name} ${text}`;
      if (name === "abort") return `[${text}]`;
      if (name === "failure") return `[${text}]`;
      return text;
    })
    .join(" ");
}
