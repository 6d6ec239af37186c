import { defineCommand } from "citty";
import { TomlError } from "smol-toml";
import { resolveTargetLoosely } from "../../lifecycle/target.ts";
import { runtime } from "../../runtime/index.ts";
import { configArg, jsonArg, paint, printJson, say } from "../../util/cli.ts";
import { claudeChecks } from "./claude.ts";
import { configChecks, importChecks } from "./config.ts";
import { readConfigView } from "./config-view.ts";
import { envChecks } from "./env-vars.ts";
import { routingChecks } from "./routing.ts";
import { installedUnit, serverChecks, serviceChecks } from "./server.ts";
import { tokenChecks } from "./tokens.ts";
import type { Check, CheckStatus, DoctorInputs } from "./types.ts";

const LABELS: Record<CheckStatus, [string, "green" | "dim" | "yellow" | "red"]> = {
  ok: ["ok  ", "green"],
  info: ["info", "dim"],
  warn: ["warn", "yellow"],
  fail: ["FAIL", "red"],
};

/** Runs every check; a check that cannot run is itself a finding, never a crash. */
export async function runDoctor(configFlag: string | undefined): Promise<{ configPath: string; checks: Check[] }> {
  const env = runtime.envAll();
  const target = await resolveTargetLoosely(configFlag, env);
  const configExists = await runtime.exists(target.configPath);
  const inputs: DoctorInputs = { env, platform: process.platform, target, configExists };
  let syntaxError: string | undefined;
  try {
    inputs.view = await readConfigView(target.configPath, env);
  } catch (err) {
    const where =
      err instanceof TomlError ? `${target.configPath}:${err.line}:${err.column}: ` : `${target.configPath}: `;
    syntaxError = `${where}${(err instanceof Error ? err.message : String(err)).split("\n")[0]}`;
  }
  const unit = await installedUnit(inputs);
  const checks = [
    ...(await claudeChecks(inputs)),
    ...(await importChecks(inputs)),
    ...configChecks(inputs, syntaxError),
    ...(inputs.view ? envChecks(inputs.view.vars, env, unit?.env) : []),
    ...(await tokenChecks(inputs)),
    ...routingChecks(inputs),
    ...(await serverChecks(inputs)),
    ...(await serviceChecks(inputs, unit)),
  ];
  return { configPath: target.configPath, checks };
}

function render(check: Check): string[] {
  const [label, colour] = LABELS[check.status];
  const [first, ...more] = check.message.split("\n");
  const topic = check.id.split(":")[0];
  const lines = [`${paint(label, colour)}  ${topic}: ${first}`, ...more.map((l) => `        ${l}`)];
  if (check.fix && check.status !== "ok") lines.push(`      ${check.status === "info" ? "hint" : "fix"}: ${check.fix}`);
  return lines;
}

export const doctorCommand = defineCommand({
  meta: {
    name: "doctor",
    description:
      "Check claude, the config, $VARs, OAuth tokens, routing, the server and the service; exit 1 on any failure",
  },
  args: { ...configArg, ...jsonArg },
  async run({ args }) {
    const { configPath, checks } = await runDoctor(args.config);
    const failed = checks.filter((c) => c.status === "fail").length;
    const warned = checks.filter((c) => c.status === "warn").length;
    if (args.json) printJson({ ok: failed === 0, config: configPath, checks });
    else {
      say(`ccmux doctor: ${configPath}`);
      for (const check of checks) say(render(check).join("\n"));
      say(
        failed
          ? paint(`${failed} failed, ${warned} warnings`, "red")
          : `no problems${warned ? ` (${warned} warnings)` : ""}`,
      );
    }
    if (failed) runtime.exit(1);
  },
});
