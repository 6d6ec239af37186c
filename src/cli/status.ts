import { defineCommand } from "citty";
import { loadConfigFile } from "../config/load.ts";
import { fetchStatus, probeHealth, type Health } from "../lifecycle/health.ts";
import { pidFilePath, readPidFile } from "../lifecycle/pid-file.ts";
import { resolveTargetLoosely } from "../lifecycle/target.ts";
import { runtime } from "../runtime/index.ts";
import { accountLines } from "./status-accounts.ts";
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

const scalar = (v: unknown) => v === null || ["string", "number", "boolean"].includes(typeof v);

/** One line per provider, whatever shape /api/status gives them (list or map). */
function providerLines(providers: unknown): string[] {
  if (!providers || typeof providers !== "object") return [];
  const entries = Array.isArray(providers)
    ? providers.map((p) => [String((p as Record<string, unknown>)?.name ?? "?"), p] as const)
    : Object.entries(providers);
  return entries.flatMap(([name, info]) => {
    const fields = Object.entries((info ?? {}) as Record<string, unknown>).filter(
      ([k, v]) => k !== "name" && scalar(v),
    );
    return [`  ${name}: ${fields.map(([k, v]) => `${k}=${v}`).join(" ") || "ok"}`, ...accountLines(info)];
  });
}

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
    if (args.json) {
      return printJson({
        running: true,
        url,
        version: health.version,
        pid: health.pid ?? null,
        runtime: health.runtime ?? null,
        uptime_s: health.uptime_s ?? null,
        routes: routes ?? null,
        status: status ?? null,
      });
    }
    say(
      `ccmux ${health.version} is ${paint("running", "green")} on ${url} (pid ${health.pid ?? "?"}, ${health.runtime ?? "?"}, up ${uptime(health.uptime_s)})`,
    );
    const set = Object.entries(routes ?? {}).filter(([, v]) => v !== null && v !== undefined);
    if (set.length)
      say(`routes: ${set.map(([k, v]) => `${k} → ${typeof v === "string" ? v : JSON.stringify(v)}`).join(", ")}`);
    const lines = providerLines(status?.providers);
    if (lines.length) say(`providers:\n${lines.join("\n")}`);
    else if (!status)
      say("provider state: not available (this server has no /api/status, or it needs server.admin_token)");
  },
});
