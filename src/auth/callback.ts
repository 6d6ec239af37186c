import type { Runtime } from "../runtime/index.ts";
import { AuthError } from "../util/errors.ts";
import type { Logger } from "../util/log.ts";
import { PAGE_HEADERS, renderPage, type PageContent } from "./html.ts";
import { safeEqual } from "../util/safe-equal.ts";
import type { CallbackSpec } from "./types.ts";

export interface CallbackServer {
  readonly port: number;
  /** The code from the first redirect whose state matches; rejects when the provider reports an error. */
  readonly code: Promise<string>;
  stop(): Promise<void>;
}

export interface CallbackOptions {
  runtime: Runtime;
  spec: CallbackSpec;
  state: string;
  log?: Logger;
}

const page = (status: number, content: PageContent) =>
  new Response(renderPage(content), { status, headers: PAGE_HEADERS });

type Outcome = { code: string } | { error: string };

/** Interprets one redirect; `undefined` outcome means "not ours, keep waiting". */
export function handleCallback(url: URL, state: string): { response: Response; outcome?: Outcome } {
  const q = url.searchParams;
  const got = q.get("state");
  if (!got || !safeEqual(got, state)) {
    return {
      response: page(400, {
        title: "Unknown login",
        message: "This link does not belong to the ccmux login that is waiting. Start the login again.",
      }),
    };
  }
  const error = q.get("error");
  if (error) {
    const text = `${error}: ${q.get("error_description") ?? "no description"}`;
    return {
      response: page(400, { title: "Authorization failed", message: "The provider reported an error:", detail: text }),
      outcome: { error: text },
    };
  }
  const code = q.get("code");
  if (!code)
    return {
      response: page(400, { title: "No code received", message: "The redirect carried no authorization code." }),
    };
  return {
    response: page(200, {
      title: "Logged in",
      message: "ccmux received the authorization. You can close this tab and return to the terminal.",
    }),
    outcome: { code },
  };
}

/**
 * Listens on 127.0.0.1 for the provider's redirect. Returns undefined when the port is taken,
 * in which case the user pastes the redirect URL instead.
 */
export async function startCallbackServer(opts: CallbackOptions): Promise<CallbackServer | undefined> {
  let settle!: (o: Outcome) => void;
  const outcome = new Promise<Outcome>((r) => (settle = r));
  let done = false;
  const fetch = (req: Request): Response => {
    const url = new URL(req.url);
    if (req.method !== "GET" || url.pathname !== opts.spec.path) return new Response("Not found", { status: 404 });
    const result = handleCallback(url, opts.state);
    if (result.outcome && !done) {
      done = true;
      settle(result.outcome);
    }
    return result.response;
  };
  try {
    const server = await opts.runtime.serve({ hostname: "127.0.0.1", port: opts.spec.port, fetch });
    const code = outcome.then((o) =>
      "code" in o ? o.code : Promise.reject(new AuthError(`Authorization failed: ${o.error}`)),
    );
    code.catch(() => undefined);
    return { port: server.port, code, stop: () => server.stop(1000) };
  } catch (err) {
    opts.log?.warn(
      `Cannot listen on 127.0.0.1:${opts.spec.port} (${(err as Error).message}); paste the redirect URL instead.`,
    );
    return undefined;
  }
}
