import type { FetchFn } from "../contracts/adapter.ts";
import type { LineReader, Runtime } from "../runtime/index.ts";
import { AuthError } from "../util/errors.ts";
import type { Logger } from "../util/log.ts";
import { startCallbackServer, type CallbackServer } from "./callback.ts";
import { createPkce, createState } from "./pkce.ts";
import { safeEqual } from "../util/safe-equal.ts";
import type { OAuthFlow, StoredToken, TokenGrant, TokenStore } from "./types.ts";

export const LOGIN_TIMEOUT_MS = 5 * 60_000;

export interface LoginOptions {
  flow: OAuthFlow;
  id: string;
  store: TokenStore;
  fetch: FetchFn;
  runtime: Runtime;
  /** User-facing output (stdout): the URL and instructions. */
  out: (line: string) => void;
  log?: Logger;
  timeoutMs?: number;
  /** Try to open a browser (off for piped/non-interactive runs). */
  openBrowser?: boolean;
  /** Opens the reader pasted codes come from, once the instructions are out; defaults to stdin lines. */
  openInput?: (deadline: number) => LineReader;
  /** Whether a person is typing (stdin is a TTY): a bad paste is reported and another one awaited. */
  interactive: boolean;
}

/** What the user pasted: `code#state` (Anthropic), the redirect URL, a query string, or a bare code. */
export function parsePasted(text: string): { code: string; state?: string } {
  const value = text.trim();
  let params: URLSearchParams | undefined;
  if (/^https?:\/\//i.test(value)) params = new URL(value).searchParams;
  else if (/(^|[?&])code=/.test(value)) params = new URLSearchParams(value.replace(/^.*\?/, ""));
  if (params) {
    const error = params.get("error");
    if (error)
      throw new AuthError(`Authorization failed: ${error}: ${params.get("error_description") ?? "no description"}`);
    return { code: params.get("code") ?? "", state: params.get("state") ?? undefined };
  }
  const hash = value.indexOf("#");
  return hash < 0 ? { code: value } : { code: value.slice(0, hash), state: value.slice(hash + 1) };
}

export function noInputMessage(kind: string, id: string): string {
  return [
    "No authorization code: stdin is not a terminal and it closed without a code.",
    `Run \`ccmux auth login ${kind} --id ${id}\` in an interactive terminal and paste the code there,`,
    "or sign in through the admin page of a running `ccmux serve`,",
    "or copy an oauth_tokens.json (claude-code-mux's format works) into the ccmux data directory.",
  ].join("\n");
}

async function readPasted(
  opts: LoginOptions,
  input: LineReader,
  state: string,
): Promise<{ code: string; state?: string }> {
  for (;;) {
    const line = await input.next();
    if (line === null) throw new AuthError(noInputMessage(opts.flow.kind, opts.id), 400);
    if (!line.trim()) continue;
    try {
      const pasted = parsePasted(line);
      if (!pasted.code) throw new AuthError("That contains no authorization code.", 400);
      if (pasted.state !== undefined && !safeEqual(pasted.state, state)) {
        throw new AuthError("That code belongs to a different login (its state does not match).", 400);
      }
      return pasted;
    } catch (err) {
      if (!opts.interactive) throw err;
      opts.out(`${(err as Error).message} Paste it again:`);
    }
  }
}

function instructions(flow: OAuthFlow, callback: CallbackServer | undefined): string {
  if (!flow.callback)
    return "After approving, copy the code shown (it looks like code#state), paste it here and press Enter:";
  if (callback)
    return "Waiting for the browser to come back to ccmux. If it cannot, paste the address of the page you land on here:";
  return "After approving, your browser lands on a page that does not load; paste that page's address here:";
}

function timeout(ms: number): { promise: Promise<never>; clear: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AuthError(`Timed out after ${Math.round(ms / 1000)} s waiting for the authorization.`, 408)),
      ms,
    );
  });
  return { promise, clear: () => clearTimeout(timer) };
}

/** Builds the stored entry with claude-code-mux's keys first. */
export function tokenFromGrant(id: string, kind: OAuthFlow["kind"], grant: TokenGrant): StoredToken {
  const { access_token, refresh_token, expires_at, ...rest } = grant;
  const token: StoredToken = { provider_id: id, access_token, refresh_token, expires_at, kind };
  for (const [k, v] of Object.entries(rest)) if (v !== undefined && v !== null) token[k] = v;
  return token;
}

/**
 * The interactive login: prints the authorize URL, optionally opens a browser, then takes a pasted
 * code or the loopback callback, whichever comes first, exchanges it and saves the token.
 */
export async function runLogin(opts: LoginOptions): Promise<StoredToken> {
  const { flow, runtime } = opts;
  const pkce = await createPkce();
  const state = createState();
  const callback = flow.callback
    ? await startCallbackServer({ runtime, spec: flow.callback, state, log: opts.log })
    : undefined;
  const redirectUri = flow.redirectUri(callback?.port);
  const url = flow.authorizeUrl(pkce, state, redirectUri);
  opts.out(`Log in to ${flow.label}: open this URL in your browser`);
  opts.out(url);
  if (opts.openBrowser && !(await runtime.openBrowser(url).catch(() => false)))
    opts.out("(Could not open a browser; open the URL yourself.)");
  opts.out(instructions(flow, callback));
  const waitMs = opts.timeoutMs ?? LOGIN_TIMEOUT_MS;
  const input = opts.openInput?.(Date.now() + waitMs) ?? runtime.stdinLines();
  const limit = timeout(waitMs);
  let code: string;
  try {
    const pasted = readPasted(opts, input, state).then((p) => p.code);
    pasted.catch(() => undefined); // the loser of the race rejects once stdin is closed
    code = await Promise.race([pasted, ...(callback ? [callback.code] : []), limit.promise]);
  } finally {
    limit.clear();
    input.close();
    await callback?.stop();
  }
  const grant = await flow.exchange({ code, pkce, state, redirectUri }, opts.fetch);
  const token = tokenFromGrant(opts.id, flow.kind, grant);
  await opts.store.set(token);
  return token;
}
