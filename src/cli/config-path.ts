import { defineCommand } from "citty";
import { resolve } from "node:path";
import { allPaths } from "../config/paths.ts";
import { runtime } from "../runtime/index.ts";
import { configArg, jsonArg, printJson, say } from "../util/cli.ts";

export const configPathCommand = defineCommand({
  meta: {
    name: "path",
    description: "Print where the config file is (--all: also the token store, database, state and logs)",
  },
  args: {
    ...configArg,
    ...jsonArg,
    all: { type: "boolean", description: "Also list the token store, database, state dir and logs dir" },
  },
  run({ args }) {
    const paths = allPaths({ flag: args.config, env: runtime.envAll() });
    const all = { ...paths, config: resolve(paths.config) };
    if (args.json) return printJson(args.all ? all : { config: all.config });
    if (!args.all) return say(all.config);
    for (const [name, path] of Object.entries(all)) say(`${name.padEnd(8)} ${path}`);
  },
});
