import type { VariableUse } from "../../config/env-expand.ts";
import type { Env } from "../../config/paths.ts";
import { type Check, fail, ok, warn } from "./types.ts";

/** The service's environment file, when a service is installed. */
export interface ServiceEnv {
  path: string;
  /** Undefined when the file does not exist. */
  vars: Env | undefined;
}

function firstUses(uses: VariableUse[]): Map<string, VariableUse> {
  const byName = new Map<string, VariableUse>();
  for (const use of uses) {
    const seen = byName.get(use.name);
    if (!seen || (seen.optional && !use.optional)) byName.set(use.name, use);
  }
  return byName;
}

function varCheck(use: VariableUse, env: Env, service: ServiceEnv | undefined): Check {
  const id = `env:${use.name}`;
  const where = `$${use.name} (${use.path})`;
  const inShell = env[use.name] !== undefined;
  const inFile = service?.vars?.[use.name] !== undefined && service.vars[use.name] !== "";
  if (use.optional && !inShell) return ok(id, `${where}: unset, but only a disabled provider uses it`);
  if (!inShell)
    return fail(
      id,
      `${where} is not set in this shell`,
      `export ${use.name}=… (in your shell profile), then restart ccmux`,
    );
  if (!service) return ok(id, `${where} is set`);
  if (!inFile)
    return fail(
      id,
      `${where} is set here, but not in the service's ${service.path}: the service cannot expand it`,
      `add the line ${use.name}=… to ${service.path} (mode 0600), then \`ccmux restart\``,
    );
  return ok(id, `${where} is set here and in ${service.path}`);
}

/** Every `$VAR` the config references is set in this shell, and in the service's environment file when a service runs it. */
export function envChecks(uses: VariableUse[], env: Env, service: ServiceEnv | undefined): Check[] {
  if (uses.length === 0) return [ok("env", "config.toml references no $VAR")];
  const checks = [...firstUses(uses).values()].map((use) => varCheck(use, env, service));
  if (service && service.vars === undefined)
    checks.push(
      warn(
        "env:file",
        `${service.path} does not exist`,
        "`ccmux service install` creates it with the names to fill in",
      ),
    );
  return checks;
}
