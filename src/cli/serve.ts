import { defineCommand } from "citty";
import { runtime } from "../runtime/index.ts";
import { createLogger, type Logger } from "../util/log.ts";
import { VERSION } from "../version.ts";
import { startServer } from "../edge/start.ts";
import { loadOrCreateConfig } from "../config/bootstrap.ts";

export const serveArgs = {
  config: { type: "string", description: "Path to config.toml" },
  host: { type: "string", description: "Address to bind (overrides server.host)" },
  port: { type: "string", description: "Port to listen on (overrides server.port)" },
  "log-level": { type: "string", description: "silent | error | warn | info | debug" },
} as const;

function parsePort(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be an integer 0-65535, got "${raw}"`);
  return port;
}

function plainOutput(): boolean {
  return !runtime.isTTY("stdout") || Boolean(runtime.env("NO_COLOR"));
}

function fail(log: Logger, message: string): never {
  log.error(message);
  return runtime.exit(1);
}

export const serveCommand = defineCommand({
  meta: { name: "serve", description: "Run the proxy in the foreground" },
  args: serveArgs,
  async run({ args }) {
    const bootLog = createLogger({ level: args["log-level"] ?? "info", plain: plainOutput() });
    let loaded;
    try {
      loaded = await loadOrCreateConfig({ flag: args.config, env: runtime.envAll(), log: bootLog });
    } catch (err) {
      return fail(bootLog, (err as Error).message);
    }
    const { config } = loaded;
    if (args.host) config.server.host = args.host;
    const port = parsePort(args.port);
    if (port !== undefined) config.server.port = port;
    const log = createLogger({ level: args["log-level"] ?? config.server.log_level, plain: plainOutput() });
    try {
      const overrides = { host: args.host || undefined, port, logLevel: args["log-level"] };
      await startServer({
        config,
        configPath: loaded.path,
        configFile: loaded.file,
        overrides,
        log,
        version: VERSION,
        plain: plainOutput(),
      });
    } catch (err) {
      fail(log, (err as Error).message);
    }
  },
});
