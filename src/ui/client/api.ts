/** Talks to ccmux's admin API from the page: same origin, JSON, errors as ApiError. */

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

function errorOf(status: number, body: unknown): ApiError {
  const b = (body ?? {}) as { error?: { message?: string }; problems?: string[] };
  return new ApiError(b.error?.message ?? `HTTP ${status}`, status, b.problems ?? []);
}

export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.body !== undefined) headers.set("content-type", "application/json");
  const res = await fetch(path, { ...init, headers, credentials: "same-origin" });
  if (!res.ok) throw errorOf(res.status, await res.json().catch(() => undefined));
  return res;
}

export async function getJson<T = Json>(path: string): Promise<T> {
  return (await (await request(path)).json()) as T;
}

export async function postJson<T = Json>(path: string, body: unknown, headers: HeadersInit = {}): Promise<T> {
  const res = await request(path, { method: "POST", body: JSON.stringify(body), headers });
  return (await res.json()) as T;
}

export interface ProviderDoc {
  name: string;
  provider_type: string;
  auth_type?: string;
  api_key?: string | null;
  oauth_provider?: string;
  base_url?: string;
  project_id?: string;
  location?: string;
  headers?: Record<string, string>;
  models?: string[];
  enabled?: boolean;
  [key: string]: unknown;
}

export interface MappingDoc {
  priority: number;
  provider: string;
  actual_model: string;
}

export interface ModelDoc {
  name: string;
  mappings: MappingDoc[];
}

export interface ConfigDoc {
  server: Json;
  router: Record<string, string | number | null>;
  providers: ProviderDoc[];
  models: ModelDoc[];
}

export interface LoadedConfig {
  doc: ConfigDoc;
  etag: string;
}

export async function loadConfig(): Promise<LoadedConfig> {
  const res = await request("/api/config/json");
  return { doc: (await res.json()) as ConfigDoc, etag: res.headers.get("etag") ?? "" };
}

export interface SaveResult {
  message: string;
  reloaded: boolean;
  comments_kept: boolean;
  warnings: string[];
  etag: string;
}

/** Saves the whole document against the version it was loaded from (412 when the file changed since). */
export async function saveConfig(doc: ConfigDoc, etag: string): Promise<SaveResult> {
  const res = await request("/api/config/json", {
    method: "POST",
    body: JSON.stringify(doc),
    headers: etag ? { "if-match": etag } : {},
  });
  return { ...((await res.json()) as Omit<SaveResult, "etag">), etag: res.headers.get("etag") ?? "" };
}
