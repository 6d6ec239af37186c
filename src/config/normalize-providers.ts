import { providerKind, type ProviderKind } from "../catalog/providers.ts";
import { pathToString, type PathSegment } from "./key-locations.ts";
import { normalizePool } from "./normalize-accounts.ts";
import { normalizeErrorRules } from "./normalize-error-rules.ts";
import type { Finding } from "./problems.ts";
import type { ProviderDocument } from "./schema.ts";
import type { AuthType, ProviderConfig } from "./types.ts";

/** Where normalization reports what it finds: errors stop the load, warnings don't. */
export interface Sink {
  errors: Finding[];
  warnings: Finding[];
}

/** Empty strings in optional fields mean unset. */
export function blank(value: string | undefined): string | undefined {
  return value === "" ? undefined : value;
}

/** Drops keys whose value is undefined, so configs compare equal however they were built. */
export function definedOnly<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, value]) => value !== undefined)) as T;
}

export function checkDuplicateNames(names: string[], list: "providers" | "models", sink: Sink): void {
  const first = new Map<string, number>();
  names.forEach((name, i) => {
    const earlier = first.get(name);
    if (earlier === undefined) first.set(name, i);
    else sink.errors.push({ path: [list, i, "name"], message: `duplicate name "${name}" (also ${list}[${earlier}])` });
  });
}

function resolveAuthType(doc: ProviderDocument, path: PathSegment[], sink: Sink): AuthType {
  const given = doc.auth_type === "api_key" ? "apikey" : doc.auth_type;
  const oauthProvider = blank(doc.oauth_provider);
  if (given === undefined) {
    if (doc.provider_type === "vertex-ai") return "adc";
    return oauthProvider ? "oauth" : "apikey";
  }
  if (given === "apikey" && oauthProvider && !blank(doc.api_key)) return "apikey";
  if (given === "apikey" && oauthProvider) {
    const message = `auth_type = "apikey" with oauth_provider and no api_key: treated as "oauth", as claude-code-mux did`;
    sink.warnings.push({ path: [...path, "auth_type"], message });
    return "oauth";
  }
  return given;
}

function checkBaseUrl(p: ProviderConfig, kind: ProviderKind, path: PathSegment[], sink: Sink): void {
  const at = [...path, "base_url"];
  if (p.base_url === undefined) {
    if (kind.baseUrl === undefined && p.provider_type !== "vertex-ai") {
      sink.errors.push({ path: at, message: `provider ${p.name} (${p.provider_type}) needs base_url` });
    }
    return;
  }
  if (!/^https?:\/\//i.test(p.base_url) || !URL.canParse(p.base_url)) {
    sink.errors.push({ path: at, message: `expected an http:// or https:// URL, got ${JSON.stringify(p.base_url)}` });
  }
}

/** RFC 9110 field-name characters. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Field values: Latin-1 without CR, LF or NUL (what fetch's Headers accepts). */
const HEADER_VALUE = /^[^\r\n\0\u0100-\uffff]*$/;

/** A header that could never be sent would make every request to the provider throw. */
function checkHeaders(headers: Record<string, string>, path: PathSegment[], sink: Sink): void {
  for (const [name, value] of Object.entries(headers)) {
    const at = [...path, "headers", name];
    if (!HEADER_NAME.test(name))
      sink.errors.push({
        path: at,
        message: `header name ${JSON.stringify(name)} cannot be sent (letters, digits and !#$%&'*+.^_\`|~- only)`,
      });
    else if (!HEADER_VALUE.test(value))
      sink.errors.push({
        path: at,
        message: "header value cannot be sent (no line breaks, NUL, or characters beyond Latin-1)",
      });
  }
}

function checkAuth(p: ProviderConfig, kind: ProviderKind, path: PathSegment[], sink: Sink): void {
  if (p.auth_type === "apikey" && p.api_key === undefined && !kind.keyless && !p.accounts) {
    const message = `provider ${p.name} needs api_key (or auth_type = "oauth"/"passthrough")`;
    sink.errors.push({ path: [...path, "api_key"], message });
  }
  if (p.auth_type === "adc" && p.provider_type !== "vertex-ai") {
    sink.errors.push({
      path: [...path, "auth_type"],
      message: `auth_type = "adc" only works with provider_type = "vertex-ai"`,
    });
  }
  if (p.provider_type !== "vertex-ai") return;
  for (const key of ["project_id", "location"] as const) {
    if (p[key] === undefined)
      sink.errors.push({ path: [...path, key], message: `provider ${p.name} (vertex-ai) needs ${key}` });
  }
  if (p.location !== undefined && !VERTEX_LOCATION.test(p.location)) {
    const message = `provider ${p.name} (vertex-ai): location "${p.location}" is not a Google Cloud region name (like us-central1 or global)`;
    sink.errors.push({ path: [...path, "location"], message });
  }
}

/** Region names ("us-central1", "europe-west4", "global"): the location is also part of the Vertex host name. */
export const VERTEX_LOCATION = /^[a-z][a-z0-9-]*$/;

function normalizeProvider(
  doc: ProviderDocument,
  index: number,
  refs: Map<string, string>,
  sink: Sink,
): ProviderConfig {
  const path: PathSegment[] = ["providers", index];
  const pool = normalizePool(doc, path, refs, sink);
  const authType = pool?.auth_type ?? resolveAuthType(doc, path, sink);
  const provider: ProviderConfig = definedOnly({
    name: doc.name,
    provider_type: doc.provider_type,
    auth_type: authType,
    api_key: blank(doc.api_key),
    api_key_ref: refs.get(pathToString([...path, "api_key"])),
    oauth_provider: blank(doc.oauth_provider) ?? (authType === "oauth" && !pool ? doc.name : undefined),
    project_id: blank(doc.project_id),
    location: blank(doc.location),
    base_url: blank(doc.base_url),
    headers: doc.headers,
    drop_headers: doc.drop_headers,
    allowed_betas: doc.allowed_betas,
    drop_body_fields: doc.drop_body_fields,
    models: doc.models,
    text_only_models: doc.text_only_models,
    enabled: doc.enabled,
    accounts: pool?.accounts,
    pool: pool?.pool,
    error_rules: normalizeErrorRules(doc.error_rules, path, sink),
  });
  checkHeaders(provider.headers, path, sink);
  const kind = providerKind(doc.provider_type);
  if (provider.enabled && kind) {
    checkAuth(provider, kind, path, sink);
    checkBaseUrl(provider, kind, path, sink);
  }
  return provider;
}

export function normalizeProviders(docs: ProviderDocument[], refs: Map<string, string>, sink: Sink): ProviderConfig[] {
  const providers = docs.map((doc, i) => normalizeProvider(doc, i, refs, sink));
  checkDuplicateNames(
    providers.map((p) => p.name),
    "providers",
    sink,
  );
  return providers;
}
