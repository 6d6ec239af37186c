// A fake OAuth provider on 127.0.0.1 (port 0) for all four ccmux flows. It checks what a real one
// would: S256(code_verifier) == code_challenge, redirect_uri and client_id match the authorize call,
// the body format (JSON or form) the flow must use, and rotates refresh tokens. Every token is fake.
import { createHash } from "node:crypto";

export type BodyFormat = "json" | "form";

export interface FakeOAuthOptions {
  /** The token endpoint answers 415 to the other format. */
  format: BodyFormat;
  expiresIn?: number;
  /** Issue a new refresh token on every refresh (Anthropic and OpenAI do). Default true. */
  rotate?: boolean;
  /** Put `chatgpt_account_id` claims in id_token/access_token (OpenAI). */
  accountId?: string;
  /** Delay token responses, so concurrent callers pile up. */
  tokenDelayMs?: number;
  /** loadCodeAssist answer: a current tier with this project, or none (onboarding needed). */
  codeAssistProject?: string;
  /** The current tier loadCodeAssist reports with codeAssistProject (default standard-tier). */
  codeAssistTier?: string;
  /** The whole loadCodeAssist answer, when a test scripts it (ineligible tiers, validation). */
  codeAssistLoad?: Record<string, unknown>;
  /** onboardUser returns done:false this many times (with an operation name to poll). */
  onboardPending?: number;
  onboardProject?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  contentType: string;
  body: Record<string, string | unknown>;
  authorization: string | null;
  userAgent: string | null;
  accept: string | null;
}

interface IssuedCode {
  challenge: string;
  method: string;
  clientId: string;
  redirectUri: string;
  state: string;
}

export interface FakeOAuth {
  url: string;
  requests: RecordedRequest[];
  /** Calls to the token endpoint by grant type. */
  tokenCalls: { authorization_code: number; refresh_token: number };
  /** Valid refresh tokens (rotated ones are removed). */
  refreshTokens: Set<string>;
  accessTokens: Set<string>;
  options: FakeOAuthOptions;
  /** Makes refresh answer 400 invalid_grant. */
  failRefresh: boolean;
  /** What a browser does with the authorize URL: the redirect target (loopback) or the shown `code#state`. */
  authorize(authorizeUrl: string): Promise<{ redirect?: string; pasted?: string }>;
  /** Issue a refresh token directly (to seed a store). */
  seedRefreshToken(token: string): void;
  stop(): void;
}

const b64url = (s: string) => Buffer.from(s).toString("base64url");
const s256 = (v: string) => createHash("sha256").update(v).digest("base64url");

function fakeJwt(claims: Record<string, unknown>): string {
  return `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}.fake-signature`;
}

async function readBody(req: Request): Promise<{ contentType: string; body: Record<string, unknown> }> {
  const contentType = req.headers.get("content-type") ?? "";
  const text = await req.text();
  if (contentType.includes("application/json")) return { contentType, body: text ? JSON.parse(text) : {} };
  return { contentType, body: Object.fromEntries(new URLSearchParams(text)) };
}

const json = (status: number, data: unknown) => Response.json(data, { status });

export function startFakeOAuth(options: FakeOAuthOptions): FakeOAuth {
  const codes = new Map<string, IssuedCode>();
  let counter = 0;
  let onboardPolls = 0;
  const next = (prefix: string) => `${prefix}-${++counter}-${crypto.randomUUID().slice(0, 8)}`;

  const issueTokens = () => {
    const n = ++counter;
    const claims = options.accountId
      ? {
          "https://api.openai.com/auth": { chatgpt_account_id: options.accountId, chatgpt_plan_type: "plus" },
          exp: Math.floor(Date.now() / 1000) + 3600,
        }
      : undefined;
    const access = claims ? fakeJwt({ ...claims, n }) : `fake-access-${n}`;
    fake.accessTokens.add(access);
    return { access, idToken: claims ? fakeJwt({ ...claims, email: "user@example.test" }) : undefined };
  };

  function exchangeCode(body: Record<string, unknown>): Response {
    const issued = codes.get(String(body.code));
    if (!issued) return json(400, { error: "invalid_grant", error_description: "unknown code" });
    codes.delete(String(body.code));
    if (issued.method !== "S256" || s256(String(body.code_verifier)) !== issued.challenge) {
      return json(400, { error: "invalid_grant", error_description: "PKCE verification failed" });
    }
    if (body.redirect_uri !== issued.redirectUri)
      return json(400, { error: "invalid_grant", error_description: "redirect_uri mismatch" });
    if (body.client_id !== issued.clientId) return json(400, { error: "invalid_client" });
    if (options.format === "json" && body.state !== issued.state)
      return json(400, { error: "invalid_grant", error_description: "state mismatch" });
    return tokenResponse();
  }

  // The granted scopes come back space-separated, as Anthropic's token endpoint answers (protocol.md §2.10).
  const GRANTED_SCOPE = "user:inference user:profile user:sessions:claude_code";

  function tokenResponse(): Response {
    const { access, idToken } = issueTokens();
    const refresh = next("fake-refresh");
    fake.refreshTokens.add(refresh);
    return json(200, {
      access_token: access,
      refresh_token: refresh,
      expires_in: options.expiresIn ?? 28800,
      token_type: "Bearer",
      scope: GRANTED_SCOPE,
      ...(idToken ? { id_token: idToken } : {}),
    });
  }

  function refreshGrant(body: Record<string, unknown>): Response {
    const rt = String(body.refresh_token);
    if (fake.failRefresh || !fake.refreshTokens.has(rt))
      return json(400, { error: "invalid_grant", error_description: "refresh token is invalid" });
    if (options.rotate === false) {
      const { access } = issueTokens();
      return json(200, { access_token: access, expires_in: options.expiresIn ?? 28800 });
    }
    fake.refreshTokens.delete(rt);
    return tokenResponse();
  }

  async function token(_req: Request, rec: RecordedRequest): Promise<Response> {
    if (options.tokenDelayMs) await new Promise((r) => setTimeout(r, options.tokenDelayMs));
    const want = options.format === "json" ? "application/json" : "application/x-www-form-urlencoded";
    if (!rec.contentType.includes(want)) return json(415, { error: "unsupported_media_type", expected: want });
    const grant = rec.body.grant_type;
    if (grant === "authorization_code") {
      fake.tokenCalls.authorization_code++;
      return exchangeCode(rec.body);
    }
    if (grant === "refresh_token") {
      fake.tokenCalls.refresh_token++;
      return refreshGrant(rec.body);
    }
    return json(400, { error: "unsupported_grant_type" });
  }

  function authorized(rec: RecordedRequest): boolean {
    const bearer = rec.authorization?.replace(/^Bearer /, "") ?? "";
    return fake.accessTokens.has(bearer);
  }

  function codeAssist(path: string, rec: RecordedRequest): Response {
    if (!authorized(rec)) return json(401, { error: { code: 401, message: "bad token" } });
    if (path.endsWith(":loadCodeAssist")) {
      if (options.codeAssistLoad) return json(200, options.codeAssistLoad);
      if (options.codeAssistProject)
        return json(200, {
          currentTier: { id: options.codeAssistTier ?? "standard-tier" },
          cloudaicompanionProject: options.codeAssistProject,
        });
      return json(200, {
        allowedTiers: [{ id: "standard-tier", isDefault: true, userDefinedCloudaicompanionProject: true }],
      });
    }
    const pending = onboardPolls++ < (options.onboardPending ?? 0);
    if (pending) return json(200, { name: "operations/onboard-1", done: false });
    return json(200, {
      name: "operations/onboard-1",
      done: true,
      response: { cloudaicompanionProject: { id: options.onboardProject ?? "onboarded-project" } },
    });
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const { contentType, body } = req.method === "GET" ? { contentType: "", body: {} } : await readBody(req);
    const rec: RecordedRequest = {
      method: req.method,
      path: url.pathname,
      contentType,
      body,
      authorization: req.headers.get("authorization"),
      userAgent: req.headers.get("user-agent"),
      accept: req.headers.get("accept"),
    };
    fake.requests.push(rec);
    if (url.pathname.endsWith("/token")) return token(req, rec);
    if (url.pathname.endsWith("/create_api_key")) {
      return authorized(rec) ? json(200, { raw_key: next("fake-console-key") }) : json(401, { error: "unauthorized" });
    }
    if (url.pathname.includes("/v1internal")) return codeAssist(url.pathname, rec);
    return json(404, { error: "not_found" });
  }

  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handle });
  const fake: FakeOAuth = {
    url: `http://127.0.0.1:${server.port}`,
    requests: [],
    tokenCalls: { authorization_code: 0, refresh_token: 0 },
    refreshTokens: new Set(),
    accessTokens: new Set(),
    options,
    failRefresh: false,
    async authorize(authorizeUrl) {
      const q = new URL(authorizeUrl).searchParams;
      for (const key of ["client_id", "redirect_uri", "code_challenge", "state"]) {
        if (!q.get(key)) throw new Error(`authorize URL lacks ${key}`);
      }
      if (q.get("response_type") !== "code" || q.get("code_challenge_method") !== "S256")
        throw new Error("authorize URL is not PKCE S256 code flow");
      const code = next("fake-code");
      const state = q.get("state")!;
      codes.set(code, {
        challenge: q.get("code_challenge")!,
        method: "S256",
        clientId: q.get("client_id")!,
        redirectUri: q.get("redirect_uri")!,
        state,
      });
      const redirect = new URL(q.get("redirect_uri")!);
      if (/^(localhost|127\.0\.0\.1)$/.test(redirect.hostname)) {
        redirect.searchParams.set("code", code);
        redirect.searchParams.set("state", state);
        return { redirect: redirect.toString() };
      }
      return { pasted: `${code}#${state}` };
    },
    seedRefreshToken: (t) => void fake.refreshTokens.add(t),
    stop: () => void server.stop(true),
  };
  return fake;
}
