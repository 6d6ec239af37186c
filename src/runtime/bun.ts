import { Database as BunDatabase } from "bun:sqlite";
import type { Database, Runtime, RunningServer, ServeOptions, SqlValue } from "./types.ts";
import { nodeFileOps } from "./node-common.ts";
import { nodeProcessOps } from "./node-process.ts";
import { bunSelfCommand } from "./bun-self.ts";

async function serve(opts: ServeOptions): Promise<RunningServer> {
  const server = Bun.serve({
    hostname: opts.hostname,
    port: opts.port,
    idleTimeout: 0,
    maxRequestBodySize: 64 * 1024 * 1024,
    fetch: opts.fetch,
    error: () =>
      new Response(JSON.stringify({ type: "error", error: { type: "api_error", message: "Internal server error" } }), {
        status: 500,
        headers: { "content-type": "application/json" },
      }),
  });
  const hostname = server.hostname ?? opts.hostname;
  const port = server.port ?? opts.port;
  opts.onListen?.({ hostname, port });
  return {
    hostname,
    port,
    async stop(graceMs = 10_000) {
      const graceful = server.stop(false);
      const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), graceMs));
      if ((await Promise.race([graceful.then(() => "done" as const), timer])) === "timeout") {
        await server.stop(true);
      }
    },
  };
}

function openDatabase(path: string): Database {
  const db = new BunDatabase(path, { create: true, readwrite: true });
  return {
    exec: (sql) => db.run(sql),
    prepare(sql) {
      const statement = db.prepare<Record<string, SqlValue>, SqlValue[]>(sql);
      return { run: (...params) => void statement.run(...params), all: (...params) => statement.all(...params) };
    },
    close: () => db.close(),
  };
}

export const runtime: Runtime = {
  name: "bun",
  serve,
  async readText(path) {
    const file = Bun.file(path);
    if (!(await file.exists())) return undefined;
    return file.text();
  },
  ...nodeFileOps,
  env: (name) => Bun.env[name],
  envAll: () => ({ ...Bun.env }),
  setEnv: (name, value) => {
    process.env[name] = value;
  },
  args: () => Bun.argv.slice(2),
  exit: (code) => process.exit(code),
  pid: () => process.pid,
  execPath: () => process.execPath,
  isTTY: (fd) => Boolean(fd === "stdin" ? process.stdin.isTTY : process.stdout.isTTY),
  memoryRss: () => process.memoryUsage.rss(),
  version: () => Bun.version,
  selfCommand: bunSelfCommand,
  ...nodeProcessOps,
  openDatabase,
};
