import type { FetchFn } from "../../contracts/adapter.ts";
import type { Logger } from "../../util/log.ts";
import type { ExchangeInput, OAuthFlow, Pkce, StoredToken, TokenGrant } from "../types.ts";
import {
  callbackPort,
  codeGrant,
  envOverride,
  grantFrom,
  postToken,
  requireRefreshToken,
  withQuery,
  type FlowOptions,
} from "./common.ts";
import { CODE_ASSIST_URL, discoverCodeAssistProject } from "./google-project.ts";

export const GOOGLE_CLIENT_ID = "681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com";
/** Gemini CLI's installed-app secret; public by design (an installed app cannot keep a secret). */
export const GOOGLE_CLIENT_SECRET = "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";
export const GOOGLE_AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth";
export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
export const GOOGLE_SCOPES = [
  "https://www.googleapis.com/auth/cloud-platform",
  "https://www.googleapis.com/auth/userinfo.email",
  "https://www.googleapis.com/auth/userinfo.profile",
].join(" ");

export interface GoogleFlowOptions extends FlowOptions {
  log?: Logger;
  /** Onboarding poll interval (Gemini CLI uses 5 s). */
  pollMs?: number;
}

/** Gemini Code Assist: loopback callback on a free port, form-encoded token calls, then project discovery. */
export function createGoogleFlow(opts: GoogleFlowOptions): OAuthFlow {
  const now = opts.now ?? Date.now;
  const authorizeUrl = envOverride(opts.env, "google", "AUTHORIZE_URL", GOOGLE_AUTHORIZE_URL);
  const tokenUrl = envOverride(opts.env, "google", "TOKEN_URL", GOOGLE_TOKEN_URL);
  const codeAssist = envOverride(opts.env, "google", "CODE_ASSIST_URL", CODE_ASSIST_URL);
  const port = callbackPort(opts.env, "google", 0);
  const discover = (accessToken: string, fetch: FetchFn) =>
    discoverCodeAssistProject({ base: codeAssist, env: opts.env, fetch, accessToken, pollMs: opts.pollMs });
  /** On refresh a token that somehow lacks its project tries once more, without failing the refresh. */
  const rediscover = async (accessToken: string, fetch: FetchFn) => {
    try {
      return await discover(accessToken, fetch);
    } catch (err) {
      opts.log?.warn(`Code Assist project discovery failed: ${(err as Error).message}`);
      return undefined;
    }
  };
  return {
    kind: "google",
    label: "Google Gemini (Code Assist)",
    callback: { port, path: "/oauth2callback", host: "127.0.0.1" },
    redirectUri: (bound = port) => `http://127.0.0.1:${bound}/oauth2callback`,
    authorizeUrl: (pkce: Pkce, state: string, redirectUri: string) =>
      withQuery(authorizeUrl, {
        response_type: "code",
        client_id: GOOGLE_CLIENT_ID,
        redirect_uri: redirectUri,
        scope: GOOGLE_SCOPES,
        code_challenge: pkce.challenge,
        code_challenge_method: pkce.method,
        state,
        access_type: "offline",
        prompt: "consent",
      }),
    async exchange(input: ExchangeInput, fetch: FetchFn): Promise<TokenGrant> {
      const form = { ...codeGrant(input, GOOGLE_CLIENT_ID), client_secret: GOOGLE_CLIENT_SECRET };
      const grant = grantFrom(await postToken(tokenUrl, { form }, fetch, "Token exchange"), now());
      // A failed discovery fails the login: nothing is saved without an eligible project.
      return { ...grant, project_id: await discover(grant.access_token, fetch) };
    },
    async refresh(token: StoredToken, fetch: FetchFn): Promise<TokenGrant> {
      const form = {
        grant_type: "refresh_token",
        refresh_token: requireRefreshToken(token),
        client_id: GOOGLE_CLIENT_ID,
        client_secret: GOOGLE_CLIENT_SECRET,
      };
      const grant = grantFrom(await postToken(tokenUrl, { form }, fetch, "Token refresh"), now(), token);
      return grant.project_id ? grant : { ...grant, project_id: await rediscover(grant.access_token, fetch) };
    },
  };
}
