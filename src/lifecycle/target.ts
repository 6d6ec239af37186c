import { parse } from "smol-toml";
import * as v from "valibot";
import { resolve } from "node:path";
import { expandDocument, isTable } from "../config/env-expand.ts";
import { ConfigFileError, loadConfigFile } from "../config/load.ts";
import { configPath, type Env } from "../config/paths.ts";
import { ServerSchema } from "../config/schema.ts";
import { runtime } from "../runtime/index.ts";
import { claudeCodeNeedsOwnCredentials } from "./client-credentials.ts";

/** Where a ccmux for this config listens, and what a client must present to it. */
export interface ServerTarget {
  configPath: string;
  configExists: boolean;
  host: string;
  port: number;
  /** The base URL a client on this machine uses (ANTHROPIC_BASE_URL). */
  url: string;
  apiKey?: string;
  adminToken?: string;
  /**
   * Claude Code's own credentials reach an upstream: a request it sends can be routed to a pass-through
   * provider (or no config: the embedded default). A broken config: any enabled pass-through provider.
   */
  passthrough: boolean;
  /** Set when the config has errors outside [server]: only that table was read. */
  problem?: string;
}

type ServerSection = Pick<ServerTarget, "host" | "port" | "apiKey" | "adminToken">;

const WILDCARD_HOSTS = new Set(["0.0.0.0", "::", "[::]", ""]);

/** A wildcard bind address is reached through loopback; IPv6 literals need brackets. */
export function clientUrl(host: string, port: number): string {
  if (WILDCARD_HOSTS.has(host)) return `http://127.0.0.1:${port}`;
  const bracketed = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return `http://${bracketed}:${port}`;
}

function section(server: { host: string; port: number; api_key?: string; admin_token?: string }): ServerSection {
  return {
    host: server.host,
    port: server.port,
    apiKey: server.api_key || undefined,
    adminToken: server.admin_token || undefined,
  };
}

type ProviderLike = { auth_type?: unknown; enabled?: unknown };
const passesThrough = (providers: readonly ProviderLike[] | undefined) =>
  (providers ?? []).some((p) => p.auth_type === "passthrough" && p.enabled !== false);

/** Whether a config whose other tables are broken has a pass-through provider, read as plain TOML. */
async function rawPassthrough(path: string): Promise<boolean> {
  try {
    const doc = parse(((await runtime.readText(path)) ?? "").replace(/^\uFEFF/, ""));
    return passesThrough(Array.isArray(doc.providers) ? (doc.providers as ProviderLike[]) : []);
  } catch {
    return false;
  }
}

/** Only [server], for a config whose other tables are broken (a provider's unset $VAR must not break `ccmux env`). */
async function serverOnly(path: string, env: Env): Promise<ServerSection | undefined> {
  try {
    const doc = parse(((await runtime.readText(path)) ?? "").replace(/^\uFEFF/, ""));
    const expanded = expandDocument({ server: isTable(doc.server) ? doc.server : {} }, env);
    if (expanded.problems.length > 0) return undefined;
    const parsed = v.safeParse(ServerSchema, (expanded.doc as { server: unknown }).server);
    return parsed.success ? section(parsed.output) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the config leniently: throws only when not even [server] can be read. */
export async function resolveTarget(flag: string | undefined, env: Env): Promise<ServerTarget> {
  const path = resolve(configPath({ flag, env }));
  let server: ServerSection;
  let problem: string | undefined;
  let exists = true;
  let passthrough: boolean;
  try {
    const loaded = await loadConfigFile(path, env);
    exists = loaded !== undefined;
    server = section(loaded?.config.server ?? v.parse(ServerSchema, {}));
    passthrough = loaded ? claudeCodeNeedsOwnCredentials(loaded.config) : true;
  } catch (err) {
    const partial = err instanceof ConfigFileError ? await serverOnly(path, env) : undefined;
    if (!partial) throw err;
    server = partial;
    passthrough = await rawPassthrough(path);
    problem = (err as Error).message;
  }
  const url = clientUrl(server.host, server.port);
  return { configPath: path, configExists: exists, ...server, url, passthrough, problem };
}

/** For stop and status, which must work whatever state the config is in: the defaults when it cannot be read. */
export async function resolveTargetLoosely(flag: string | undefined, env: Env): Promise<ServerTarget> {
  try {
    return await resolveTarget(flag, env);
  } catch (err) {
    const path = resolve(configPath({ flag, env }));
    const server = section(v.parse(ServerSchema, {}));
    return {
      configPath: path,
      configExists: true,
      ...server,
      url: clientUrl(server.host, server.port),
      passthrough: await rawPassthrough(path),
      problem: (err as Error).message,
    };
  }
}
