import { join } from "node:path";
import { createFlowRegistry } from "../auth/flows/index.ts";
import { createTokenStore, TOKEN_FILE_NAME } from "../auth/store.ts";
import { dataDir } from "../config/paths.ts";
import { runtime } from "../runtime/index.ts";
import { createLogger } from "../util/log.ts";

/** What every `ccmux auth` command works with: the env, a logger, the token store and the flows. */
export function authContext(extraEnv: Record<string, string> = {}) {
  const env = { ...runtime.envAll(), ...extraEnv };
  const log = createLogger({
    level: env.CCMUX_LOG_LEVEL ?? "info",
    plain: !runtime.isTTY("stdout") || Boolean(env.NO_COLOR),
    timestamps: false,
  });
  const store = createTokenStore({ path: join(dataDir(env), TOKEN_FILE_NAME), runtime, log });
  const flows = createFlowRegistry({ env, log });
  return { env, log, store, flows, fetch: globalThis.fetch.bind(globalThis) };
}

export type AuthContext = ReturnType<typeof authContext>;
