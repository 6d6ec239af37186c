import type { Env } from "../config/paths.ts";
import type { FetchFn } from "../contracts/adapter.ts";
import { AuthError } from "../util/errors.ts";
import { isRedirect, NO_REDIRECTS } from "../util/redirect.ts";
import { postToken } from "./flows/common.ts";

/** An access token and how long it lives, in seconds. */
export interface AdcGrant {
  accessToken: string;
  expiresIn: number;
}

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
const DEFAULT_METADATA_HOST = "metadata.google.internal";

/**
 * Whether this process runs on Google Cloud, where the metadata server hands out the attached
 * service account's tokens: GCE_METADATA_HOST (also how tests point at a fake), Cloud Run /
 * Functions variables, or a GCE machine's DMI product name.
 */
export async function onGoogleCloud(
  env: Env,
  readText: (path: string) => Promise<string | undefined>,
): Promise<boolean> {
  if (env.GCE_METADATA_HOST || env.GCE_METADATA_IP || env.K_SERVICE || env.CLOUD_RUN_JOB || env.FUNCTION_TARGET)
    return true;
  const product = await readText("/sys/class/dmi/id/product_name").catch(() => undefined);
  return /Google/.test(product ?? "");
}

const lifetime = (value: unknown) => (typeof value === "number" && value > 0 ? value : 3600);

/** The attached service account's token from the GCE / Cloud Run metadata server. */
export async function metadataServerToken(env: Env, fetch: FetchFn): Promise<AdcGrant> {
  const host = env.GCE_METADATA_HOST || env.GCE_METADATA_IP || DEFAULT_METADATA_HOST;
  const url = `http://${host}/computeMetadata/v1/instance/service-accounts/default/token`;
  let res: Response;
  try {
    res = await fetch(url, { ...NO_REDIRECTS, headers: { "metadata-flavor": "Google" } });
  } catch (err) {
    throw new AuthError(`Google metadata server at ${host} cannot be reached (${(err as Error).message})`, 502);
  }
  if (isRedirect(res) || !res.ok)
    throw new AuthError(`Google metadata server at ${host} answered ${res.status} for the service account token`, 502);
  const data = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (typeof data?.access_token !== "string" || !data.access_token)
    throw new AuthError(`Google metadata server at ${host} returned no access_token`, 502);
  return { accessToken: data.access_token, expiresIn: lifetime(data.expires_in) };
}

/** An `external_account` (workload identity federation) credentials file. */
export interface ExternalAccountFile {
  type: "external_account";
  audience: string;
  subject_token_type: string;
  token_url: string;
  service_account_impersonation_url?: string;
  credential_source: {
    file?: string;
    url?: string;
    headers?: Record<string, string>;
    format?: { type?: "text" | "json"; subject_token_field_name?: string };
  };
}

async function subjectToken(
  file: ExternalAccountFile,
  fetch: FetchFn,
  readText: (path: string) => Promise<string | undefined>,
): Promise<string> {
  const source = file.credential_source;
  let raw: string | undefined;
  if (source.file) raw = await readText(source.file);
  else if (source.url) {
    const res = await fetch(source.url, { ...NO_REDIRECTS, headers: source.headers ?? {} }).catch(() => undefined);
    raw = res?.ok ? await res.text() : undefined;
  } else
    throw new AuthError(
      "external_account credential_source must be a file or a url (AWS and executable sources are not supported)",
    );
  if (!raw) throw new AuthError(`external_account subject token not found at ${source.file ?? source.url}`);
  if (source.format?.type !== "json") return raw.trim();
  const field = source.format.subject_token_field_name ?? "";
  const token = (JSON.parse(raw) as Record<string, unknown>)[field];
  if (typeof token !== "string" || !token)
    throw new AuthError(`external_account subject token has no "${field}" field`);
  return token;
}

/** STS token exchange, then (when configured) service-account impersonation. */
export async function externalAccountToken(
  file: ExternalAccountFile,
  fetch: FetchFn,
  readText: (path: string) => Promise<string | undefined>,
): Promise<AdcGrant> {
  const sts = await postToken(
    file.token_url,
    {
      form: {
        grant_type: TOKEN_EXCHANGE_GRANT,
        audience: file.audience,
        scope: CLOUD_PLATFORM_SCOPE,
        requested_token_type: ACCESS_TOKEN_TYPE,
        subject_token: await subjectToken(file, fetch, readText),
        subject_token_type: file.subject_token_type,
      },
    },
    fetch,
    "Google STS token exchange",
  );
  if (typeof sts.access_token !== "string" || !sts.access_token)
    throw new AuthError("Google STS token exchange returned no access_token", 502);
  if (!file.service_account_impersonation_url)
    return { accessToken: sts.access_token, expiresIn: lifetime(sts.expires_in) };
  return impersonate(file.service_account_impersonation_url, sts.access_token, fetch);
}

async function impersonate(url: string, federated: string, fetch: FetchFn): Promise<AdcGrant> {
  const res = await fetch(url, {
    ...NO_REDIRECTS,
    method: "POST",
    headers: { authorization: `Bearer ${federated}`, "content-type": "application/json" },
    body: JSON.stringify({ scope: [CLOUD_PLATFORM_SCOPE], lifetime: "3600s" }),
  }).catch((err: Error) => {
    throw new AuthError(`service account impersonation failed: ${err.message}`, 502);
  });
  if (isRedirect(res) || !res.ok) throw new AuthError(`service account impersonation answered ${res.status}`, 502);
  const data = (await res.json().catch(() => ({}))) as { accessToken?: unknown; expireTime?: unknown };
  if (typeof data.accessToken !== "string" || !data.accessToken)
    throw new AuthError("service account impersonation returned no accessToken", 502);
  const expires = typeof data.expireTime === "string" ? Date.parse(data.expireTime) : Number.NaN;
  const seconds = Number.isFinite(expires) ? Math.max(60, Math.floor((expires - Date.now()) / 1000)) : 3600;
  return { accessToken: data.accessToken, expiresIn: seconds };
}
