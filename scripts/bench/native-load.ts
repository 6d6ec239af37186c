// A native load generator beside the Bun-fetch one (issue 12 item 6): wrk from Debian, installed with
// apt-get when it is missing and the bench runs as root (or with password-less sudo). A JS client on two
// cores takes CPU from the proxy it measures; wrk, one C thread on epoll, takes much less.
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REQUEST_HEADERS, type Endpoint } from "./client.ts";

type Log = (msg: string) => void;

/** wrk's path, or why there is none (said in the report instead of its rows). */
export type NativeLoadTool = { path: string; version: string } | { skipped: string };

/** wrk counts whole seconds. */
const seconds = (ms: number) => Math.max(1, Math.round(ms / 1000));

function run(cmd: string[]): { ok: boolean; out: string } {
  const res = Bun.spawnSync(cmd, {
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { ok: res.exitCode === 0, out: `${res.stdout}${res.stderr}`.trim() };
}

function version(path: string): string {
  return /wrk \S+/.exec(run([path, "--version"]).out)?.[0] ?? "wrk";
}

/** The way to run apt-get here, if there is one: as root, or through sudo that asks for no password. */
function aptPrefix(): string[] | undefined {
  if (!Bun.which("apt-get")) return undefined;
  if (process.getuid?.() === 0) return [];
  if (Bun.which("sudo") && run(["sudo", "-n", "true"]).ok) return ["sudo", "-n"];
  return undefined;
}

/** wrk on PATH, else `apt-get install wrk` (after `apt-get update` if the first try fails). */
export function findOrInstallWrk(log: Log): NativeLoadTool {
  const found = Bun.which("wrk");
  if (found) return { path: found, version: version(found) };
  const prefix = aptPrefix();
  if (!prefix) return { skipped: "wrk is not installed and apt-get cannot run here (not root, no password-less sudo)" };
  log("installing wrk (apt-get install -y wrk)");
  const install = [...prefix, "apt-get", "install", "-y", "-q", "wrk"];
  if (!run(install).ok) {
    run([...prefix, "apt-get", "update", "-q"]);
    const retry = run(install);
    if (!retry.ok) return { skipped: `apt-get install wrk failed: ${retry.out.split("\n").at(-1)}` };
  }
  const path = Bun.which("wrk");
  return path ? { path, version: version(path) } : { skipped: "apt-get installed wrk but it is not on PATH" };
}

const luaString = (s: string) => `[==[${s}]==]`;

/** A wrk script that POSTs the endpoint's body with Claude Code's headers. */
function script(dir: string, ep: Endpoint): string {
  const bodyPath = join(dir, "body.json");
  writeFileSync(bodyPath, ep.body);
  const headers = Object.entries(REQUEST_HEADERS).map(([k, v]) => `wrk.headers[ ${luaString(k)} ] = ${luaString(v)}`);
  const lua = [
    `local f = assert(io.open(${luaString(bodyPath)}, "rb"))`,
    "wrk.body = f:read('*a')",
    "f:close()",
    'wrk.method = "POST"',
    ...headers,
  ].join("\n");
  const path = join(dir, "post.lua");
  writeFileSync(path, `${lua}\n`);
  return path;
}

/** Requests/s and errors (socket errors and non-2xx answers) from wrk's summary. */
export function parseWrk(out: string): { rps: number; errors: number } {
  const rps = Number(/Requests\/sec:\s*([\d.]+)/.exec(out)?.[1]);
  if (!Number.isFinite(rps)) throw new Error(`wrk printed no Requests/sec:\n${out}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return { rps, errors: socketErrors + non2xx };
}

/** The same signature as client.ts's load(): `conns` connections on one wrk thread for `durationMs`. */
export function wrkLoader(wrk: string, scratch: string) {
  const dir = mkdtempSync(join(scratch, "wrk-"));
  return async (ep: Endpoint, _stream: boolean, conns: number, durationMs: number) => {
    const args = [wrk, "-t1", `-c${conns}`, `-d${seconds(durationMs)}s`, "--timeout", "10s", "-s", script(dir, ep)];
    const proc = Bun.spawn([...args, ep.url], { stdout: "pipe", stderr: "pipe" });
    const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    // wrk reports a broken script on stderr and measures anyway, with default GET requests.
    if ((await proc.exited) !== 0 || err.trim()) throw new Error(`wrk failed: ${err || out}`);
    return parseWrk(out);
  };
}
