import { defineCommand } from "citty";
import type { Env } from "../config/paths.ts";
import type { Report } from "../lifecycle/service.ts";
import { clientUrl, resolveTarget, resolveTargetLoosely, type ServerTarget } from "../lifecycle/target.ts";
import { parsePort } from "./serve.ts";

const portArg = {
  port: { type: "string", alias: "p", description: "Port to listen on (overrides server.port)" },
} as const;
import { runtime } from "../runtime/index.ts";
import { configArg, die, errorMessage, say } from "../util/cli.ts";

type Action = (target: ServerTarget, env: Env, say: Report) => Promise<number>;

/** start, stop and restart share their shape; stop also works with a broken config. */
export function lifecycleCommand(
  name: string,
  description: string,
  action: Action,
  opts: { loose?: boolean; port?: boolean } = {},
) {
  return defineCommand({
    meta: { name, description },
    args: { ...configArg, ...(opts.port ? portArg : {}) },
    async run({ args }) {
      const env = runtime.envAll();
      try {
        const found = await (opts.loose ? resolveTargetLoosely : resolveTarget)(args.config, env);
        const port = parsePort((args as { port?: string }).port);
        const target = port === undefined ? found : { ...found, port, url: clientUrl(found.host, port) };
        runtime.exit(await action(target, env, say));
      } catch (err) {
        die(errorMessage(err));
      }
    },
  });
}
