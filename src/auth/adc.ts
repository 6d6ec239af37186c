import { join } from "node:path";
import { postToken } from "./flows/common.ts";
import { GOOGLE_TOKEN_URL } from "./flows/google.ts";
import type { Env } from "../config/paths.ts";
import { runtime } from "../runtime/index.ts";
import { AuthError } from "../util/errors.ts";
import type { CredentialSource, Credentials, FetchFn } from "../contracts/adapter.ts";
import {
  type AdcGrant,
  type ExternalAccountFile,
  externalAccountToken,
  metadataServerToken,
  onGoogleCloud,
} from "./adc-sources.ts";
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

type AdcFile = ServiceAccountFile | AuthorizedUserFile | ExternalAccountFile;

/** Where ADC lives: the key file named by GOOGLE_APPLICATION_CREDENTIALS, else the file gcloud writes. */
export function adcPath(env: Env): string | undefined {
  if (env.GOOGLE_APPLICATION_CREDENTIALS) return env.GOOGLE_APPLICATION_CREDENTIALS;
  const dir =
    env.CLOUDSDK_CONFIG ||
    (env.APPDATA ? join(env.APPDATA, "gcloud") : env.HOME ? join(env.HOME, ".config", "gcloud") : undefined);
  return dir ? join(dir, "application_default_credentials.json") : undefined;
}

const MISSING_HINT =
  "set GOOGLE_APPLICATION_CREDENTIALS to a service-account key or external_account file, run `gcloud auth application-default login`, or run on Google Cloud (metadata server)";

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
  else if (data.type === "external_account") {
    need("audience", "subject_token_type", "token_url");
    if (!data.credential_source || typeof data.credential_source !== "object")
      throw new AuthError(`The credentials file ${path} lacks credential_source`);
  } else
    throw new AuthError(
      `The credentials file ${path} has type "${String(data.type)}"; ccmux supports service_account, authorized_user and external_account`,
    );
  return data as unknown as AdcFile;
}

async function grantFor(
  file: ServiceAccountFile | AuthorizedUserFile,
  opts: AdcOptions,
): Promise<Record<string, string>> {
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
 * signed with Web Crypto, exchanged for an access token), gcloud's authorized_user refresh
 * token, an external_account (workload identity federation: STS exchange, then optional
 * impersonation), or, with no file on Google Cloud, the metadata server. The file is read at each exchange (a new gcloud login is picked up); the access token
 * is cached until shortly before it expires, and concurrent callers share one exchange.
 * `projectId` carries an authorized_user's quota project (for `x-goog-user-project`).
 */
export function createAdcSource(opts: AdcOptions): CredentialSource {
  const now = opts.now ?? Date.now;
  const readText = opts.readText ?? ((path: string) => runtime.readText(path));
  let cached: { creds: Credentials; expiresAt: number } | undefined;
  let inflight: Promise<Credentials> | undefined;

  /** The token from wherever ADC points: a key file of one of three types, else the metadata server. */
  async function grant(): Promise<AdcGrant & { projectId?: string }> {
    const path = adcPath(opts.env);
    const text = path ? await readText(path) : undefined;
    if (text === undefined) {
      if (await onGoogleCloud(opts.env, readText)) return metadataServerToken(opts.env, opts.fetch);
      throw new AuthError(
        `Vertex AI needs Google Application Default Credentials: ${MISSING_HINT}${path ? ` (no file at ${path})` : ""}`,
      );
    }
    const file = parseAdcFile(path!, text);
    if (file.type === "external_account") return externalAccountToken(file, opts.fetch, readText);
    const data = await postToken(
      tokenUrl(file, opts.env),
      { form: await grantFor(file, opts) },
      opts.fetch,
      "Google ADC token exchange",
    );
    if (typeof data.access_token !== "string" || data.access_token === "")
      throw new AuthError("Google ADC token exchange returned no access_token", 502);
    const expiresIn = typeof data.expires_in === "number" ? data.expires_in : 3600;
    const projectId = file.type === "authorized_user" ? file.quota_project_id : undefined;
    return { accessToken: data.access_token, expiresIn, projectId };
  }

  async function exchange(): Promise<Credentials> {
    const { accessToken, expiresIn, projectId } = await grant();
    const creds: Credentials = { accessToken };
    if (projectId) creds.projectId = projectId;
    cached = { creds, expiresAt: now() + expiresIn * 1000 };
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
