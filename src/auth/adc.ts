import { join } from "node:path";
import { postToken } from "./flows/common.ts";
import { GOOGLE_TOKEN_URL } from "./flows/google.ts";
import type { Env } from "../config/paths.ts";
import { runtime } from "../runtime/index.ts";
import { AuthError } from "../util/errors.ts";
import type { CredentialSource, Credentials, FetchFn } from "../contracts/adapter.ts";
import { JWT_BEARER_GRANT, signServiceAccountJwt, type ServiceAccountKey } from "./service-account.ts";

/** Tokens are renewed this long before they expire. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

export interface AdcOptions {
  /** GOOGLE_APPLICATION_CREDENTIALS, CLOUDSDK_CONFIG, APPDATA, HOME; CCMUX_GOOGLE_TOKEN_URL for tests. */
  env: Env;
  fetch: FetchFn;
  readText?: (path: string) => Promise<string | undefined>;
  now?: () => number;
}

interface ServiceAccountFile extends ServiceAccountKey {
  type: "service_account";
  token_uri?: string;
}

interface AuthorizedUserFile {
  type: "authorized_user";
  client_id: string;
  client_secret: string;
  refresh_token: string;
  quota_project_id?: string;
}

type AdcFile = ServiceAccountFile | AuthorizedUserFile;

/** Where ADC lives: the key file named by GOOGLE_APPLICATION_CREDENTIALS, else the file gcloud writes. */
export function adcPath(env: Env): string | undefined {
  if (env.GOOGLE_APPLICATION_CREDENTIALS) return env.GOOGLE_APPLICATION_CREDENTIALS;
  const dir =
    env.CLOUDSDK_CONFIG ||
    (env.APPDATA ? join(env.APPDATA, "gcloud") : env.HOME ? join(env.HOME, ".config", "gcloud") : undefined);
  return dir ? join(dir, "application_default_credentials.json") : undefined;
}

const MISSING_HINT =
  "set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run `gcloud auth application-default login`";

function parseAdcFile(path: string, text: string): AdcFile {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new AuthError(`The credentials file ${path} is not valid JSON`);
  }
  const need = (...keys: string[]) => {
    const missing = keys.filter((k) => typeof data[k] !== "string" || data[k] === "");
    if (missing.length > 0) throw new AuthError(`The credentials file ${path} lacks ${missing.join(", ")}`);
  };
  if (data.type === "service_account") need("client_email", "private_key");
  else if (data.type === "authorized_user") need("client_id", "client_secret", "refresh_token");
  else
    throw new AuthError(
      `The credentials file ${path} has type "${String(data.type)}"; ccmux supports service_account and authorized_user`,
    );
  return data as unknown as AdcFile;
}

async function grantFor(file: AdcFile, opts: AdcOptions): Promise<Record<string, string>> {
  if (file.type === "authorized_user") {
    return {
      grant_type: "refresh_token",
      refresh_token: file.refresh_token,
      client_id: file.client_id,
      client_secret: file.client_secret,
    };
  }
  const assertion = await signServiceAccountJwt(file, tokenUrl(file, opts.env), (opts.now ?? Date.now)());
  return { grant_type: JWT_BEARER_GRANT, assertion };
}

function tokenUrl(file: AdcFile, env: Env): string {
  return env.CCMUX_GOOGLE_TOKEN_URL || (file.type === "service_account" && file.token_uri) || GOOGLE_TOKEN_URL;
}

/**
 * Google Application Default Credentials as a CredentialSource: a service-account key (RS256 JWT
 * signed with Web Crypto, exchanged for an access token) or gcloud's authorized_user refresh
 * token. The file is read at each exchange (a new gcloud login is picked up); the access token
 * is cached until shortly before it expires, and concurrent callers share one exchange.
 * `projectId` carries an authorized_user's quota project (for `x-goog-user-project`).
 */
export function createAdcSource(opts: AdcOptions): CredentialSource {
  const now = opts.now ?? Date.now;
  const readText = opts.readText ?? ((path: string) => runtime.readText(path));
  let cached: { creds: Credentials; expiresAt: number } | undefined;
  let inflight: Promise<Credentials> | undefined;

  async function exchange(): Promise<Credentials> {
    const path = adcPath(opts.env);
    const text = path ? await readText(path) : undefined;
    if (!path || text === undefined)
      throw new AuthError(
        `Vertex AI needs Google Application Default Credentials: ${MISSING_HINT}${path ? ` (no file at ${path})` : ""}`,
      );
    const file = parseAdcFile(path, text);
    const data = await postToken(
      tokenUrl(file, opts.env),
      { form: await grantFor(file, opts) },
      opts.fetch,
      "Google ADC token exchange",
    );
    if (typeof data.access_token !== "string" || data.access_token === "")
      throw new AuthError("Google ADC token exchange returned no access_token", 502);
    const lifetime = typeof data.expires_in === "number" ? data.expires_in : 3600;
    const creds: Credentials = { accessToken: data.access_token };
    if (file.type === "authorized_user" && file.quota_project_id) creds.projectId = file.quota_project_id;
    cached = { creds, expiresAt: now() + lifetime * 1000 };
    return creds;
  }

  function renew(): Promise<Credentials> {
    inflight ??= exchange().finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  return {
    async get() {
      if (cached && cached.expiresAt - now() > EXPIRY_MARGIN_MS) return cached.creds;
      return renew();
    },
    refresh() {
      cached = undefined;
      return renew();
    },
  };
}
