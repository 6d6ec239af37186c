import type { FetchFn } from "../../contracts/adapter.ts";
import { AuthError } from "../../util/errors.ts";
import { isRedirect, NO_REDIRECTS, refusedRedirect } from "../../util/redirect.ts";
import type { Env } from "../types.ts";

export const CODE_ASSIST_URL = "https://cloudcode-pa.googleapis.com";

interface Tier {
  id?: string;
  isDefault?: boolean;
  userDefinedCloudaicompanionProject?: boolean;
}

interface LoadResponse {
  currentTier?: Tier;
  allowedTiers?: Tier[];
  cloudaicompanionProject?: string;
  ineligibleTiers?: { reasonCode?: string; reasonMessage?: string; validationUrl?: string }[];
}

/**
 * Login with Google for Gemini CLI / Code Assist ended for consumer accounts (free, Google One,
 * AI Pro/Ultra) on 2026-06-18; only Code Assist Standard/Enterprise licensees remain. Checked
 * 2026-12-05 against google-gemini/gemini-cli's tier ids (UserTierId) and issue 13.
 */
export const CONSUMER_TIERS: ReadonlySet<string> = new Set([
  "free-tier",
  "legacy-tier",
  "g1-pro-tier",
  "g1-ultra-tier",
]);

export const GOOGLE_LOGIN_NOTICE = [
  "Login with Google for Gemini CLI / Code Assist ended for consumer accounts (free, Google One, AI Pro/Ultra)",
  "on 2026-06-18, and Google has disabled such accounts for third-party use. Only Gemini Code Assist",
  "Standard/Enterprise licensees can log in, with their Google Cloud project (GOOGLE_CLOUD_PROJECT or --project).",
  'Otherwise use a Gemini API key (provider_type = "gemini") or Vertex AI (provider_type = "vertex-ai").',
].join("\n");

/** The project the user named: `--project` (passed as GOOGLE_CLOUD_PROJECT) or the environment. */
export function requiredProject(env: Env): string {
  const project = env.GOOGLE_CLOUD_PROJECT || env.GOOGLE_CLOUD_PROJECT_ID;
  if (project) return project;
  throw new AuthError(
    "Login with Google needs your Google Cloud project (Code Assist Standard/Enterprise): set GOOGLE_CLOUD_PROJECT or pass --project <id>",
    400,
  );
}

function ineligible(load: LoadResponse, tier: string | undefined): AuthError {
  const reasons = (load.ineligibleTiers ?? []).map((t) => t.reasonMessage).filter(Boolean);
  const why = tier ? `its tier is "${tier}" (a consumer tier)` : "it has no Code Assist Standard/Enterprise tier";
  return new AuthError(
    `This Google account cannot use Code Assist through ccmux: ${why}${reasons.length ? ` (${reasons.join("; ")})` : ""}. Use a Gemini API key or Vertex AI instead.`,
    403,
  );
}

function validationRequired(load: LoadResponse): AuthError | undefined {
  const t = load.ineligibleTiers?.find((x) => x.reasonCode === "VALIDATION_REQUIRED");
  if (!t) return undefined;
  const url = t.validationUrl ? ` Open ${t.validationUrl} to validate the account, then log in again.` : "";
  return new AuthError(`Google requires this account to be validated first (VALIDATION_REQUIRED).${url}`, 403);
}

interface Operation {
  name?: string;
  done?: boolean;
  response?: { cloudaicompanionProject?: { id?: string } };
}

export interface ProjectDiscovery {
  base: string;
  env: Env;
  fetch: FetchFn;
  accessToken: string;
  pollMs?: number;
  maxPolls?: number;
}

async function call<T>(d: ProjectDiscovery, method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const url = `${d.base.replace(/\/+$/, "")}/${path}`;
  const res = await d.fetch(url, {
    ...NO_REDIRECTS,
    method,
    headers: { authorization: `Bearer ${d.accessToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (isRedirect(res))
    throw new AuthError(`Code Assist ${path} failed: ${refusedRedirect(res, url, "Code Assist")}`, 502);
  if (!res.ok) throw new AuthError(`Code Assist ${path} failed: ${res.status}`, 502);
  return (await res.json()) as T;
}

/**
 * Finds the Code Assist project (protocol.md §5.6): loadCodeAssist, and onboardUser with the
 * default tier when the account has none yet. The user's own project is required; consumer tiers,
 * VALIDATION_REQUIRED and a discovery that finds nothing are errors, never a token without a project.
 */
export async function discoverCodeAssistProject(d: ProjectDiscovery): Promise<string> {
  const envProject = requiredProject(d.env);
  const metadata = {
    ideType: "IDE_UNSPECIFIED",
    platform: "PLATFORM_UNSPECIFIED",
    pluginType: "GEMINI",
    duetProject: envProject,
  };
  const load = await call<LoadResponse>(d, "POST", "v1internal:loadCodeAssist", {
    cloudaicompanionProject: envProject,
    metadata,
  });
  const validation = validationRequired(load);
  if (validation) throw validation;
  const current = load.currentTier?.id;
  if (current) {
    if (CONSUMER_TIERS.has(current)) throw ineligible(load, current);
    return load.cloudaicompanionProject ?? envProject;
  }
  const tier = load.allowedTiers?.find((t) => t.isDefault);
  if (!tier?.id || CONSUMER_TIERS.has(tier.id)) throw ineligible(load, tier?.id);
  const onboard = { tierId: tier.id, cloudaicompanionProject: envProject, metadata };
  let op = await call<Operation>(d, "POST", "v1internal:onboardUser", onboard);
  for (let i = 0; !op.done && i < (d.maxPolls ?? 24); i++) {
    await new Promise((r) => setTimeout(r, d.pollMs ?? 5000));
    op = op.name
      ? await call<Operation>(d, "GET", `v1internal/${op.name}`)
      : await call<Operation>(d, "POST", "v1internal:onboardUser", onboard);
  }
  if (!op.done)
    throw new AuthError("Code Assist onboarding did not finish in time; try `ccmux auth login google` again", 504);
  const project = op.response?.cloudaicompanionProject?.id ?? envProject;
  return project;
}
