import { defineCommand } from "citty";
import { checkConfigFile } from "./config-check-file.ts";
import { configVariables, setUpServiceEnv } from "./service-env-setup.ts";
import { withPlaceholders } from "../config/env-expand.ts";
import type { Env } from "../config/paths.ts";
import { formatProblem } from "../config/problems.ts";
import { probeHealth } from "../lifecycle/health.ts";
import {
  defaultServiceKind,
  installService,
  managerEnabled,
  managerState,
  SERVICE_KINDS,
  serviceSpec,
  uninstallService,
  type ServiceKind,
  type ServiceSpec,
} from "../lifecycle/service.ts";
import { readServiceEnv } from "../lifecycle/service-env.ts";
import { resolveTarget } from "../lifecycle/target.ts";
import { runtime } from "../runtime/index.ts";
import { configArg, die, errorMessage, jsonArg, printJson, say } from "../util/cli.ts";

const common = {
  ...configArg,
  kind: { type: "string", description: `${SERVICE_KINDS.join(" | ")} (default: systemd on Linux, launchd on macOS)` },
} as const;

function pickKind(raw: string | undefined): ServiceKind {
  if (raw) {
    if ((SERVICE_KINDS as readonly string[]).includes(raw)) return raw as ServiceKind;
    return die(`unknown service kind "${raw}"; choose one of ${SERVICE_KINDS.join(", ")}`);
  }
  const kind = defaultServiceKind(process.platform);
  if (kind) return kind;
  return die(
    `No user service manager on ${process.platform}. Use \`ccmux start\`, or a scheduled task that runs:\n  ${[...runtime.selfCommand(), "serve"].join(" ")}`,
  );
}

async function specFor(args: { config?: string; kind?: string }): Promise<ServiceSpec> {
  const env = runtime.envAll();
  const target = await resolveTarget(args.config, env).catch((err) => die(errorMessage(err)));
  return serviceSpec(pickKind(args.kind), target.configPath, env);
}

/** Refuses to install a service for a config that `serve` would reject; unset $VARs only warn (setUpServiceEnv). */
async function requireValidConfig(path: string, env: Env): Promise<void> {
  const report = await checkConfigFile(path, withPlaceholders(await configVariables(path), env));
  if (!report.exists)
    return say(`note: ${path} does not exist yet; the service writes the starter config there on first start`);
  if (report.ok) return;
  const problems = report.errors.map((p) => `  ${formatProblem(path, p)}`).join("\n");
  die(`${path} has errors; fix them first (\`ccmux config check\`):\n${problems}`);
}

const install = defineCommand({
  meta: {
    name: "install",
    description: "Write and load a systemd user unit / launchd agent running `ccmux serve` (never needs root)",
  },
  args: {
    ...common,
    "dry-run": { type: "boolean", description: "Print the unit and the commands, write and load nothing" },
    load: {
      type: "boolean",
      description: "Enable and start it (the default)",
      negativeDescription: "Only write the file",
    },
  },
  async run({ args }) {
    const spec = await specFor(args);
    const { envFile, configPath } = spec.inputs;
    if (args["dry-run"]) {
      say(`# ${spec.unitPath} (dry run: nothing written or loaded)`);
      process.stdout.write(spec.unitText);
      for (const c of spec.load) say(`# would run: ${c.argv.join(" ")}`);
      await setUpServiceEnv(envFile, configPath, runtime.envAll(), true);
      return;
    }
    await requireValidConfig(configPath, { ...runtime.envAll(), ...(await readServiceEnv(envFile)) });
    await setUpServiceEnv(envFile, configPath, runtime.envAll(), false);
    const load = managerEnabled(runtime.envAll()) && args.load !== false;
    try {
      await installService(spec, load, say);
    } catch (err) {
      die(errorMessage(err));
    }
    say(
      load
        ? `ccmux serve now runs at login (${spec.kind}) with ${spec.inputs.configPath}.`
        : "Written, not loaded: run the commands above to load it.",
    );
    if (spec.hint) say(spec.hint);
  },
});

const uninstall = defineCommand({
  meta: { name: "uninstall", description: "Stop, unload and remove the service" },
  args: { ...common },
  async run({ args }) {
    const spec = await specFor(args);
    try {
      const removed = await uninstallService(spec, managerEnabled(runtime.envAll()), say);
      if (!removed) say(`not installed (no ${spec.unitPath})`);
    } catch (err) {
      die(errorMessage(err));
    }
  },
});

const status = defineCommand({
  meta: { name: "status", description: "Is the service installed and running?" },
  args: { ...common, ...jsonArg },
  async run({ args }) {
    const env = runtime.envAll();
    const spec = await specFor(args);
    const target = await resolveTarget(args.config, env);
    const installed = await runtime.exists(spec.unitPath);
    const manager = installed ? await managerState(spec, managerEnabled(env)) : undefined;
    const health = await probeHealth(target.url);
    const report = {
      kind: spec.kind,
      unit: spec.unitPath,
      installed,
      manager_state: manager ?? null,
      url: target.url,
      answering: Boolean(health),
      pid: health?.pid ?? null,
    };
    // Like `systemctl status`: non-zero (3) when the service is not installed or nothing answers.
    const code = installed && health ? 0 : 3;
    if (args.json) {
      printJson(report);
      return runtime.exit(code);
    }
    say(`${spec.kind} unit: ${spec.unitPath} (${installed ? "installed" : "not installed"})`);
    if (manager) say(`${spec.kind === "systemd" ? "systemctl" : "launchctl"}: ${manager}`);
    say(health ? `ccmux answers on ${target.url} (pid ${health.pid})` : `nothing answers on ${target.url}`);
    runtime.exit(code);
  },
});

export const serviceCommand = defineCommand({
  meta: {
    name: "service",
    description: "Run ccmux serve at login as a systemd user unit (Linux) or launchd agent (macOS)",
  },
  subCommands: { install, uninstall, status },
});
