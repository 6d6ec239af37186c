import { defineCommand } from "citty";
import { loadConfigFile } from "../config/load.ts";
import { fetchAdmin, fetchStatus, probeHealth, type Health } from "../lifecycle/health.ts";
import { pidFilePath, readPidFile } from "../lifecycle/pid-file.ts";
import { resolveTargetLoosely } from "../lifecycle/target.ts";
import { runtime } from "../runtime/index.ts";
import { type ProviderStatus, providerTable, type TokensToday, usageByProvider } from "./status-table.ts";
import { configArg, jsonArg, paint, printJson, say } from "../util/cli.ts";

const ROUTE_SLOTS = ["default", "background", "think", "websearch", "long_context", "image"] as const;

/** The router slots of the local config, when the server's own status does not list them. */
async function configRoutes(path: string): Promise<Record<string, string> | undefined> {
  try {
    const router = (await loadConfigFile(path, runtime.envAll()))?.config.router;
    if (!router) return undefined;
    return Object.fromEntries(ROUTE_SLOTS.flatMap((slot) => (router[slot] ? [[slot, router[slot]]] : [])));
  } catch {
    return undefined;
  }
}

/** The server named by the config, else the one the PID file names. */
async function findServer(url: string): Promise<{ url: string; health: Health } | undefined> {
  const health = await probeHealth(url);
  if (health) return { url, health };
  const record = await readPidFile(pidFilePath(runtime.envAll()));
  if (!record || record === "corrupt" || record.url === url) return undefined;
  const other = await probeHealth(record.url);
  return other ? { url: record.url, health: other } : undefined;
}

function uptime(seconds: number | undefined): string {
  if (seconds === undefined) return "?";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${seconds % 60}s` : `${seconds}s`;
}

/** The providers /api/status lists, with today's tokens from /api/usage (when the usage history is on). */
function providersOf(status: Record<string, unknown> | undefined): ProviderStatus[] | undefined {
  return Array.isArray(status?.providers) ? (status.providers as ProviderStatus[]) : undefined;
}

const tokensOf = (u: TokensToday) => ({ input: u.inputTokens, output: u.outputTokens, cache_read: u.cacheReadTokens });

export const statusCommand = defineCommand({
  meta: {
    name: "status",
    description:
      "Ask the running ccmux for health, version, uptime, routes and provider cooldowns (exit 1 if none runs)",
  },
  args: { ...configArg, ...jsonArg },
  async run({ args }) {
    const target = await resolveTargetLoosely(args.config, runtime.envAll());
    const found = await findServer(target.url);
    if (!found) {
      if (args.json) printJson({ running: false, url: target.url });
      else say(`ccmux is ${paint("not running", "red")} (nothing answers on ${target.url})`);
      return runtime.exit(1);
    }
    const { url, health } = found;
    const status = await fetchStatus(url, target.adminToken);
    const routes = (status?.routes as Record<string, unknown> | undefined) ?? (await configRoutes(target.configPath));
    const providers = providersOf(status);
    const usage = usageByProvider(await fetchAdmin(url, "/api/usage?since=today&by=provider", target.adminToken));
    if (args.json) {
      return printJson({
        running: true,
        url,
        version: health.version,
        pid: health.pid ?? null,
        runtime: health.runtime ?? null,
        uptime_s: health.uptime_s ?? null,
        config_path: status?.config_path ?? null,
        routes: routes ?? null,
        providers:
          providers?.map((p) => {
            const used = usage.get(p.name);
            return { ...p, tokens_today: used ? tokensOf(used) : null };
          }) ?? null,
      });
    }
    say(
      `ccmux ${health.version} is ${paint("running", "green")} on ${url} (pid ${health.pid ?? "?"}, ${health.runtime ?? "?"}, up ${uptime(health.uptime_s)})`,
    );
    const set = Object.entries(routes ?? {}).filter(([, v]) => v !== null && v !== undefined);
    if (set.length)
      say(`routes: ${set.map(([k, v]) => `${k} → ${typeof v === "string" ? v : JSON.stringify(v)}`).join(", ")}`);
    if (providers?.length) say(["", ...providerTable(providers, usage, Date.now())].join("\n"));
    else if (!status)
      say("provider state: not available (this server has no /api/status, or it needs server.admin_token)");
  },
});
