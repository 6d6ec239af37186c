// deno-lint-ignore-file no-explicit-any
import { fileURLToPath } from "node:url";
import { DatabaseSync } from "node:sqlite";
import type { Database, Runtime, RunningServer, ServeOptions, SqlRow } from "./types.ts";
import { nodeFileOps } from "./node-common.ts";
import { nodeProcessOps } from "./node-process.ts";

// biome-ignore lint/suspicious/noExplicitAny: Deno's global has no types under Bun's tsconfig
declare const Deno: any;

async function serve(opts: ServeOptions): Promise<RunningServer> {
  let listening!: (addr: { hostname: string; port: number }) => void;
  const ready = new Promise<{ hostname: string; port: number }>((r) => (listening = r));
  const controller = new AbortController();
  const server = Deno.serve(
    {
      hostname: opts.hostname,
      port: opts.port,
      signal: controller.signal,
      onListen: (a: { hostname: string; port: number }) => listening(a),
    },
    opts.fetch,
  );
  const addr = await ready;
  opts.onListen?.(addr);
  return {
    hostname: addr.hostname,
    port: addr.port,
    async stop(graceMs = 10_000) {
      const done = server.shutdown();
      const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), graceMs));
      if ((await Promise.race([done.then(() => "done" as const), timer])) === "timeout") controller.abort();
    },
  };
}

function openDatabase(path: string): Database {
  const db = new DatabaseSync(path);
  return {
    exec: (sql) => db.exec(sql),
    prepare(sql) {
      const statement = db.prepare(sql);
      return {
        run: (...params) => void statement.run(...params),
        all: (...params) => statement.all(...params) as SqlRow[],
      };
    },
    close: () => db.close(),
  };
}

export const runtime: Runtime = {
  name: "deno",
  serve,
  async readText(path) {
    try {
      return await Deno.readTextFile(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return undefined;
      throw err;
    }
  },
  ...nodeFileOps,
  env: (name) => Deno.env.get(name),
  envAll: () => Deno.env.toObject(),
  setEnv: (name, value) => Deno.env.set(name, value),
  args: () => [...Deno.args],
  exit: (code) => Deno.exit(code) as never,
  pid: () => Deno.pid,
  execPath: () => Deno.execPath(),
  isTTY: (fd) => (fd === "stdin" ? Deno.stdin.isTerminal() : Deno.stdout.isTerminal()),
  memoryRss: () => Deno.memoryUsage().rss,
  version: () => Deno.version.deno,
  selfCommand: () => [Deno.execPath(), "run", "-A", fileURLToPath(Deno.mainModule)],
  ...nodeProcessOps,
  openDatabase,
};
