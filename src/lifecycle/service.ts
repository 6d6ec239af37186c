import { dirname, join } from "node:path";
import { dataDir, type Env } from "../config/paths.ts";
import { runtime } from "../runtime/index.ts";
import { logFilePath } from "./daemon.ts";
import { launchdSpec } from "./launchd.ts";
import type { ManagerCall, ServiceKind, ServiceSpec, UnitInputs } from "./service-spec.ts";
import { systemdSpec } from "./systemd.ts";

export { SERVICE_KINDS, type ServiceKind, type ServiceSpec } from "./service-spec.ts";

export function defaultServiceKind(platform: string): ServiceKind | undefined {
  if (platform === "linux") return "systemd";
  if (platform === "darwin") return "launchd";
  return undefined;
}

/** The unit for `<this ccmux> serve --config <configPath>`, whether compiled or run from source. */
export function serviceSpec(kind: ServiceKind, configPath: string, env: Env): ServiceSpec {
  const inputs: UnitInputs = {
    configPath,
    argv: [...runtime.selfCommand(), "serve", "--config", configPath],
    envFile: join(dataDir(env), "service.env"),
    logFile: logFilePath(env),
  };
  return kind === "systemd" ? systemdSpec(inputs, env) : launchdSpec(inputs, env, runtime.uid());
}

/** systemctl/launchctl are called unless CCMUX_SERVICE_MANAGER=none (tests, or a system you drive yourself). */
export function managerEnabled(env: Env): boolean {
  return env.CCMUX_SERVICE_MANAGER !== "none";
}

export type Report = (line: string) => void;

export async function runCalls(calls: ManagerCall[], enabled: boolean, report: Report): Promise<void> {
  for (const { argv, mayFail } of calls) {
    const shown = argv.join(" ");
    if (!enabled) {
      report(`not run (service manager calls are off): ${shown}`);
      continue;
    }
    let result;
    try {
      result = await runtime.run(argv, { stdio: "pipe" });
    } catch (err) {
      throw new Error(`cannot run ${argv[0]}: ${(err as Error).message}`);
    }
    report(`ran: ${shown}${result.code === 0 ? "" : ` (exit ${result.code})`}`);
    if (result.code !== 0 && !mayFail) throw new Error(`${shown} failed: ${(result.stderr || result.stdout).trim()}`);
  }
}

export async function installService(spec: ServiceSpec, enabled: boolean, report: Report): Promise<void> {
  await runtime.mkdir(dirname(spec.unitPath), 0o755);
  await runtime.writeFileAtomic(spec.unitPath, spec.unitText, { mode: 0o644, dirMode: 0o755 });
  report(`wrote ${spec.unitPath}`);
  await runCalls(spec.load, enabled, report);
}

/** True when there was something to remove. */
export async function uninstallService(spec: ServiceSpec, enabled: boolean, report: Report): Promise<boolean> {
  if (!(await runtime.exists(spec.unitPath))) return false;
  await runCalls(spec.unload, enabled, report);
  await runtime.remove(spec.unitPath);
  report(`removed ${spec.unitPath}`);
  await runCalls(spec.afterRemove, enabled, report);
  return true;
}

/** The manager's own word on the service ("active", "inactive", …); undefined when it was not asked. */
export async function managerState(spec: ServiceSpec, enabled: boolean): Promise<string | undefined> {
  if (!enabled) return undefined;
  try {
    const result = await runtime.run(spec.status, { stdio: "pipe" });
    if (spec.kind === "systemd") return result.stdout.trim() || `exit ${result.code}`;
    return result.code === 0 ? "loaded" : "not loaded";
  } catch {
    return undefined;
  }
}

/** The installed unit for this platform, if any: start/stop/restart then go through it. */
export async function installedService(env: Env, configPath: string): Promise<ServiceSpec | undefined> {
  const kind = defaultServiceKind(process.platform);
  if (!kind) return undefined;
  const spec = serviceSpec(kind, configPath, env);
  return (await runtime.exists(spec.unitPath)) ? spec : undefined;
}

/** How the service last ended, as its manager tells it. */
export interface LastExit {
  /** The exit status of the last run; undefined when it never exited or the manager does not say. */
  code?: number;
  /** The manager's words, e.g. "failed (exit-code), last exit 1". */
  detail: string;
}

/** Reads `systemctl show` properties or `launchctl print` output. */
export function parseLastExit(kind: ServiceKind, output: string): LastExit {
  if (kind === "launchd") {
    const code = /last exit code = (-?\d+)/.exec(output)?.[1];
    const state = /\bstate = (\w+)/.exec(output)?.[1] ?? "unknown";
    return { code: code === undefined ? undefined : Number(code), detail: `${state}, last exit ${code ?? "none yet"}` };
  }
  const props = Object.fromEntries(
    output.split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  const code =
    props.ExecMainStatus === undefined || props.ExecMainStatus === "" ? undefined : Number(props.ExecMainStatus);
  const state = `${props.ActiveState ?? "unknown"}${props.SubState ? `/${props.SubState}` : ""}`;
  return { code, detail: `${state} (${props.Result ?? "?"}), last exit ${code ?? "?"}` };
}

/** The last exit, when the manager may be asked and answers. */
export async function serviceLastExit(spec: ServiceSpec, enabled: boolean): Promise<LastExit | undefined> {
  if (!enabled) return undefined;
  try {
    const result = await runtime.run(spec.lastExit, { stdio: "pipe" });
    return result.code === 0 ? parseLastExit(spec.kind, result.stdout) : undefined;
  } catch {
    return undefined;
  }
}
