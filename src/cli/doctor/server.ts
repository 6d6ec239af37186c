import { resolve } from "node:path";
import { fetchStatus, probeHealth } from "../../lifecycle/health.ts";
import { readServiceEnv } from "../../lifecycle/service-env.ts";
import {
  defaultServiceKind,
  managerEnabled,
  serviceLastExit,
  serviceSpec,
  type ServiceSpec,
} from "../../lifecycle/service.ts";
import { runtime } from "../../runtime/index.ts";
import type { ServiceEnv } from "./env-vars.ts";
import { type Check, type DoctorInputs, fail, info, ok, warn } from "./types.ts";

const samePath = async (a: string, b: string) =>
  (await runtime.realPath(resolve(a))) === (await runtime.realPath(resolve(b)));

/** A ccmux answering on the configured address, running this same config file. */
export async function serverChecks({ target }: DoctorInputs): Promise<Check[]> {
  const { url, configPath } = target;
  const health = await probeHealth(url);
  if (!health) return [warn("server", `no ccmux answers on ${url}`, "ccmux start (`ccmux code` also starts one)")];
  const who = `ccmux ${health.version} (pid ${health.pid ?? "?"}) on ${url}`;
  const status = await fetchStatus(url, target.adminToken);
  if (!status)
    return [
      warn(
        "server",
        `${who} answers, but its admin API refused this config's admin_token: it probably runs another config`,
        "give this config the server's admin_token, or `ccmux stop` and `ccmux start`",
      ),
    ];
  const running = typeof status.config_path === "string" ? status.config_path : undefined;
  if (running && (await samePath(running, configPath))) return [ok("server", `${who} runs ${configPath}`)];
  const what = running ? `runs ${running}` : "runs the built-in default (no config file)";
  return [
    fail(
      "server",
      `${who} ${what}, not ${configPath}`,
      `ccmux stop, then ccmux start -c ${configPath} (or give this config another server.port)`,
    ),
  ];
}

/** The installed unit for this platform, if any, and its environment file. */
export async function installedUnit(inputs: DoctorInputs): Promise<{ spec: ServiceSpec; env: ServiceEnv } | undefined> {
  const kind = defaultServiceKind(inputs.platform);
  if (!kind) return undefined;
  const spec = serviceSpec(kind, inputs.target.configPath, inputs.env);
  if (!(await runtime.exists(spec.unitPath))) return undefined;
  return { spec, env: { path: spec.inputs.envFile, vars: await readServiceEnv(spec.inputs.envFile) } };
}

function logHint(spec: ServiceSpec): string {
  return spec.kind === "systemd"
    ? "journalctl --user -u ccmux.service -n 50 shows why; then ccmux restart"
    : `tail -n 50 ${spec.inputs.logFile} shows why; then ccmux restart`;
}

/** Installed or not, running the same binary and config, and how it last ended. */
export async function serviceChecks(inputs: DoctorInputs, unit: { spec: ServiceSpec } | undefined): Promise<Check[]> {
  if (!defaultServiceKind(inputs.platform)) return [info("service", `no user service manager on ${inputs.platform}`)];
  if (!unit) return [info("service", "not installed (optional)", "ccmux service install runs ccmux at login")];
  const { spec } = unit;
  const checks: Check[] = [];
  if ((await runtime.readText(spec.unitPath)) !== spec.unitText)
    checks.push(
      warn(
        "service:unit",
        `${spec.unitPath} runs another binary or config than this one`,
        "ccmux service install rewrites it",
      ),
    );
  if (!managerEnabled(inputs.env))
    return [
      ...checks,
      info("service", `installed: ${spec.unitPath} (its manager is not asked: CCMUX_SERVICE_MANAGER=none)`),
    ];
  const last = await serviceLastExit(spec, true);
  if (!last)
    return [
      ...checks,
      warn("service", `installed: ${spec.unitPath}, but ${spec.lastExit[0]} did not answer`, logHint(spec)),
    ];
  if (last.code !== undefined && last.code !== 0)
    return [...checks, fail("service", `installed: ${spec.unitPath}; ${last.detail}`, logHint(spec))];
  return [...checks, ok("service", `installed: ${spec.unitPath}; ${last.detail}`)];
}
