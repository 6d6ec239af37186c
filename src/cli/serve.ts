import { defineCommand } from "citty";
import { runtime } from "../runtime/index.ts";
import { usageError } from "../util/cli.ts";
import { createLogger, LOG_LEVELS, type Logger, type LoggerOptions } from "../util/log.ts";
import { createRotatingFile } from "../util/log-file.ts";
import { VERSION } from "../version.ts";
import { startServer } from "../edge/start.ts";
import { loadOrCreateConfig } from "../config/bootstrap.ts";

export const serveArgs = {
  config: { type: "string", alias: "c", description: "Path to config.toml" },
  host: { type: "string", description: "Address to bind (overrides server.host)" },
  port: { type: "string", alias: "p", description: "Port to listen on (overrides server.port)" },
  "log-level": { type: "string", description: `${LOG_LEVELS.join(" | ")} (overrides server.log_level)` },
  "log-file": {
    type: "string",
    description: "Write the log to this file instead of the terminal (rotated at 10 MB, 5 files kept, mode 0600)",
  },
} as const;

export function parsePort(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) usageError(`--port must be a whole number 0-65535, got "${raw}"`);
  return port;
}

function parseLevel(raw: string | undefined): string | undefined {
  if (raw === undefined || (LOG_LEVELS as readonly string[]).includes(raw.toLowerCase())) return raw?.toLowerCase();
  return usageError(`--log-level must be one of ${LOG_LEVELS.join(", ")}, got "${raw}"`);
}

function plainOutput(): boolean {
  return !runtime.isTTY("stdout") || Boolean(runtime.env("NO_COLOR"));
}

/** Where the log goes: the terminal, or one rotating file shared by the boot and the server logger. */
function logOutput(file: string | undefined): LoggerOptions {
  if (!file) return { plain: plainOutput() };
  return { plain: true, stream: createRotatingFile({ path: file, files: runtime.syncFiles }) };
}

function fail(log: Logger, message: string): never {
  log.error(message);
  return runtime.exit(1);
}

export const serveCommand = defineCommand({
  meta: { name: "serve", description: "Run the proxy in the foreground" },
  args: serveArgs,
  async run({ args }) {
    const level = parseLevel(args["log-level"]);
    const port = parsePort(args.port);
    const output = logOutput(args["log-file"]);
    const bootLog = createLogger({ level: level ?? "info", ...output });
    let loaded;
    try {
      loaded = await loadOrCreateConfig({ flag: args.config, env: runtime.envAll(), log: bootLog });
    } catch (err) {
      return fail(bootLog, (err as Error).message);
    }
    const { config } = loaded;
    if (args.host) config.server.host = args.host;
    if (port !== undefined) config.server.port = port;
    const log = createLogger({ level: level ?? config.server.log_level, ...output });
    try {
      const overrides = { host: args.host || undefined, port, logLevel: level };
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
