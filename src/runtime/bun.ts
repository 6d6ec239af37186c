import { existsSync } from "node:fs";
import type { Runtime, RunningServer, ServeOptions } from "./types.ts";
import {
  chmodNode, createExclusiveNode, fileInfoNode, fileModeNode, mkdirNode, onSignalNode, openBrowserNode, removeNode,
  renameNode, stdinLinesNode, writeFileAtomicNode,
} from "./node-common.ts";
import {
  killNode, processAliveNode, processCommandNode, runNode, spawnDetachedNode, uidNode,
} from "./node-process.ts";

/** A compiled binary's entry lives in Bun's embedded file system ("/$bunfs/…", "B:/~BUN/…" on Windows). */
function isCompiled(main: string): boolean {
  return main.startsWith("/$bunfs/") || main.includes("~BUN");
}

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

export const runtime: Runtime = {
  name: "bun",
  serve,
  async readText(path) {
    const file = Bun.file(path);
    if (!(await file.exists())) return undefined;
    return file.text();
  },
  writeFileAtomic: writeFileAtomicNode,
  chmod: chmodNode,
  fileMode: fileModeNode,
  mkdir: mkdirNode,
  createExclusive: createExclusiveNode,
  fileInfo: fileInfoNode,
  rename: renameNode,
  stdinLines: stdinLinesNode,
  remove: removeNode,
  exists: async (path) => existsSync(path),
  onSignal: onSignalNode,
  env: (name) => Bun.env[name],
  envAll: () => ({ ...Bun.env }),
  setEnv: (name, value) => {
    process.env[name] = value;
  },
  args: () => Bun.argv.slice(2),
  exit: (code) => process.exit(code),
  pid: () => process.pid,
  execPath: () => process.execPath,
  openBrowser: openBrowserNode,
  isTTY: (fd) => Boolean(fd === "stdin" ? process.stdin.isTTY : process.stdout.isTTY),
  memoryRss: () => process.memoryUsage.rss(),
  version: () => Bun.version,
  selfCommand: () => (isCompiled(Bun.main) ? [process.execPath] : [process.execPath, Bun.main]),
  spawnDetached: spawnDetachedNode,
  run: runNode,
  processAlive: processAliveNode,
  kill: killNode,
  processCommand: processCommandNode,
  uid: uidNode,
};
