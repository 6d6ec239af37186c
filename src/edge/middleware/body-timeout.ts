import type { MiddlewareHandler } from "hono";
import { DEFAULT_LIMITS } from "../../config/schema.ts";
import type { DepsHolder } from "../../proxy/deps.ts";
import { watchBody } from "../../stream/watchdog.ts";
import { RequestError } from "../../util/errors.ts";

/** A client's body that stopped arriving: a 408, and the connection closed (its rest is never read). */
export function bodyStalled(ms: number): RequestError {
  const err = new RequestError(
    `Request body stalled: no byte arrived for ${ms} ms (server.limits.request_body_timeout_ms)`,
    408,
    "timeout_error",
  );
  err.headers.connection = "close";
  return err;
}

/**
 * Bounds the wait for each piece of a request body at `request_body_timeout_ms`: only silence
 * while ccmux is reading counts, so a slow but steady upload passes. Responses stay unbounded
 * (the server's idle timeout is off for long streams), so this is the one bound on a client
 * that opens a request and never finishes its body.
 */
export function requestBodyTimeout(holder: DepsHolder): MiddlewareHandler {
  return async (c, next) => {
    const body = c.req.raw.body;
    if (!body) return next();
    const limits = holder.current().config.server.limits;
    const ms = limits?.request_body_timeout_ms ?? DEFAULT_LIMITS.request_body_timeout_ms;
    const watched = watchBody(body, { idleMs: ms, onStall: () => bodyStalled(ms) });
    c.req.raw = new Request(c.req.raw, { body: watched });
    return next();
  };
}
