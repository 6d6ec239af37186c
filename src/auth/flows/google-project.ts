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
  ineligibleTiers?: { reasonMessage?: string }[];
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
 * default tier when the account has none yet. GOOGLE_CLOUD_PROJECT(_ID) is the user's own project.
 */
export async function discoverCodeAssistProject(d: ProjectDiscovery): Promise<string | undefined> {
  const envProject = d.env.GOOGLE_CLOUD_PROJECT || d.env.GOOGLE_CLOUD_PROJECT_ID || undefined;
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
  if (load.currentTier) return load.cloudaicompanionProject ?? envProject;
  const tier = load.allowedTiers?.find((t) => t.isDefault) ?? { id: "free-tier" };
  if (!tier.id) {
    const reason = load.ineligibleTiers
      ?.map((t) => t.reasonMessage)
      .filter(Boolean)
      .join("; ");
    throw new AuthError(`This Google account cannot use Code Assist${reason ? `: ${reason}` : ""}`, 403);
  }
  if (tier.userDefinedCloudaicompanionProject && !envProject) {
    throw new AuthError(`The ${tier.id} tier needs your own project: set GOOGLE_CLOUD_PROJECT and log in again`, 400);
  }
  const onboard = {
    tierId: tier.id,
    cloudaicompanionProject: tier.id === "free-tier" ? undefined : envProject,
    metadata,
  };
  let op = await call<Operation>(d, "POST", "v1internal:onboardUser", onboard);
  for (let i = 0; !op.done && i < (d.maxPolls ?? 24); i++) {
    await new Promise((r) => setTimeout(r, d.pollMs ?? 5000));
    op = op.name
      ? await call<Operation>(d, "GET", `v1internal/${op.name}`)
      : await call<Operation>(d, "POST", "v1internal:onboardUser", onboard);
  }
  if (!op.done)
    throw new AuthError("Code Assist onboarding did not finish in time; try `ccmux auth login google` again", 504);
  return op.response?.cloudaicompanionProject?.id ?? envProject;
}
