import { defineCommand } from "citty";
import type { Env } from "../config/paths.ts";
import type { Report } from "../lifecycle/service.ts";
import { resolveTarget, resolveTargetLoosely, type ServerTarget } from "../lifecycle/target.ts";
import { runtime } from "../runtime/index.ts";
import { configArg, die, errorMessage, say } from "../util/cli.ts";

type Action = (target: ServerTarget, env: Env, say: Report) => Promise<number>;

/** start, stop and restart share their shape; stop also works with a broken config. */
export function lifecycleCommand(name: string, description: string, action: Action, opts: { loose?: boolean } = {}) {
  return defineCommand({
    meta: { name, description },
    args: { ...configArg },
    async run({ args }) {
      const env = runtime.envAll();
      try {
        const target = await (opts.loose ? resolveTargetLoosely : resolveTarget)(args.config, env);
        runtime.exit(await action(target, env, say));
      } catch (err) {
        die(errorMessage(err));
      }
    },
  });
}
