import type { MiddlewareHandler } from "hono";
import { AuthError } from "../../util/errors.ts";
import type { DepsHolder } from "../../proxy/deps.ts";
import { safeEqual } from "../../util/safe-equal.ts";

function bearer(header: string | undefined): string | undefined {
  const m = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return m?.[1]?.trim();
}

/** When `server.api_key` is set, every proxy request must carry it as x-api-key or Bearer. */
export function inboundAuth(holder: DepsHolder): MiddlewareHandler {
  return async (c, next) => {
    const expected = holder.current().config.server.api_key;
    if (expected) {
      const given = c.req.header("x-api-key") ?? bearer(c.req.header("authorization"));
      if (!given || !safeEqual(given, expected)) {
        throw new AuthError(
          given
            ? "Invalid API key for this ccmux server"
            : "This ccmux server requires an API key (x-api-key or Authorization: Bearer)",
        );
      }
    }
    await next();
  };
}
