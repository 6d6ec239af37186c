import { defineCommand } from "citty";
import { resolve } from "node:path";
import { checkConfigFile } from "./config-check-file.ts";
import { configPath } from "../config/paths.ts";
import { formatProblem } from "../config/problems.ts";
import { runtime } from "../runtime/index.ts";
import { configArg, jsonArg, paint, printJson, say } from "../util/cli.ts";

export const configCheckCommand = defineCommand({
  meta: {
    name: "check",
    description: "Validate config.toml: every problem with line:col; exit 1 on errors (warnings alone exit 0)",
  },
  args: { ...configArg, ...jsonArg },
  async run({ args }) {
    const env = runtime.envAll();
    const report = await checkConfigFile(resolve(configPath({ flag: args.config, env })), env);
    if (args.json) printJson(report);
    else {
      for (const warning of report.warnings) console.error(`${paint("warning", "yellow")}: ${warning}`);
      for (const problem of report.errors)
        console.error(`${paint("error", "red")}: ${formatProblem(report.path, problem)}`);
      if (report.excerpt) console.error(`\n${report.excerpt.trimEnd()}`);
      if (report.ok) say(`${report.path}: ok (${report.providers} providers, ${report.models} models)`);
    }
    if (!report.ok) runtime.exit(1);
  },
});
