import type { FetchFn } from "../contracts/adapter.ts";
import type { MessagesRequest } from "../contracts/anthropic.ts";
import type { RuleCheck } from "../router/decide.ts";
import { resolveRoute, type Resolution } from "../router/resolve.ts";
import type { Logger } from "../util/log.ts";
import type { AppDeps } from "./deps.ts";
import { secretScrubber } from "./secret-scrub.ts";

/** consola's numbers: debug is 4, trace 5. */
export const debugOn = (log: Logger): boolean => log.level >= 4;
export const traceOn = (log: Logger): boolean => log.level >= 5;

/**
 * Routes the request; at debug, the decision's inputs go to the log: the size estimate, every
 * rule's verdict in order, and the candidates. Never the prompt itself.
 */
export function resolveLogged(
  req: MessagesRequest,
  deps: AppDeps,
  opts: { bodyLength: number; xProvider?: string | null },
): Resolution {
  if (!debugOn(deps.log)) return resolveRoute(req, deps.router, opts);
  const checks: RuleCheck[] = [];
  const r = resolveRoute(req, deps.router, { ...opts, checks });
  const rules = checks.map((c) => `${c.route} ${c.matched ? "matched" : "passed"} (${c.why})`).join("; ");
  const pin = opts.xProvider ? `, x-provider ${opts.xProvider}` : "";
  const candidates = r.candidates.map((c) => `${c.provider}/${c.model}`).join(", ");
  deps.log.debug(
    `routing "${req.model}": ${opts.bodyLength} bytes, ~${r.estimatedTokens} input tokens, stream ${req.stream === true}${pin}; ` +
      `rules: ${rules}; → route ${r.route}, model ${r.model}; candidates: ${candidates}`,
  );
  return r;
}

/** Where a fetch goes, without its query (which may carry a key). */
function target(input: string | URL | Request): string {
  const raw = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}`;
  } catch {
    return "(unparsed URL)";
  }
}

/** At debug, each upstream call's status and the time until its headers came (or its failure). */
export function loggingFetch(fetch: FetchFn, log: Logger, who: string): FetchFn {
  if (!debugOn(log)) return fetch;
  return async (input, init) => {
    const started = performance.now();
    const where = `${init?.method ?? "GET"} ${target(input)}`;
    try {
      const res = await fetch(input, init);
      log.debug(`${who}: ${where} → ${res.status}, headers after ${Math.round(performance.now() - started)} ms`);
      return res;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      log.debug(`${who}: ${where} failed after ${Math.round(performance.now() - started)} ms: ${why}`);
      throw err;
    }
  };
}

/** At trace only: a body, with every known credential and key-shaped string scrubbed. */
export function traceBody(deps: AppDeps, what: string, body: string | Uint8Array): void {
  if (!traceOn(deps.log)) return;
  const text = typeof body === "string" ? body : new TextDecoder().decode(body);
  deps.log.trace(`${what} (secrets scrubbed): ${secretScrubber(deps)(text)}`);
}

/** Said once when a server starts at (or reloads into) trace: bodies are in the log from now on. */
export const TRACE_NOTICE =
  "log level trace: request and response bodies are written to the log (known credentials and key-shaped strings scrubbed)";
