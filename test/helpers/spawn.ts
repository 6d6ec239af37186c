// Runs ccmux as a process: the compiled binary (opts.bin) or the source under the current Bun.
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface SpawnOptions {
  /** Added to (and overriding) the test process env, which preload has already isolated. */
  env?: Record<string, string>;
  stdin?: string;
  cwd?: string;
  /** Path to a ccmux executable (absolute, or relative to the repo root), e.g. "dist/ccmux". Default: bun src/main.ts. */
  bin?: string;
  /** Kill the process (SIGKILL) after this long. Default 30 s. */
  timeoutMs?: number;
}

export interface SpawnResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

/** The argv that runs ccmux with `args`. */
export function ccmuxCommand(args: string[], bin?: string): string[] {
  if (bin) return [isAbsolute(bin) ? bin : resolve(REPO_ROOT, bin), ...args];
  return [process.execPath, join(REPO_ROOT, "src/main.ts"), ...args];
}

function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { ...env, ...extra };
}

/** Runs `ccmux <args>` to completion and captures its output. */
export async function spawnCcmux(args: string[], opts: SpawnOptions = {}): Promise<SpawnResult> {
  const proc = Bun.spawn(ccmuxCommand(args, opts.bin), {
    cwd: opts.cwd ?? REPO_ROOT,
    env: childEnv(opts.env),
    stdin: opts.stdin === undefined ? "ignore" : new TextEncoder().encode(opts.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), opts.timeoutMs ?? 30_000);
  try {
    const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    await proc.exited;
    return { stdout, stderr, exitCode: proc.exitCode };
  } finally {
    clearTimeout(timer);
  }
}

/** A port that was free a moment ago on 127.0.0.1 (bind port 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => ok());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

export interface CcmuxServerOptions {
  /** Written to <tempdir>/config.toml and passed as --config. Omitted: no --config flag. */
  configText?: string;
  bin?: string;
  env?: Record<string, string>;
  /** Extra arguments after `serve --config … --port N`. */
  args?: string[];
  cwd?: string;
  /** How long to wait for GET /health to answer 200. Default 10 s. */
  readyTimeoutMs?: number;
}

export interface CcmuxServer {
  url: string;
  port: number;
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  /** The directory holding config.toml. */
  dir: string;
  configPath: string | undefined;
  /** SIGTERM, wait (SIGKILL after 5 s); resolves to the exit code (null if killed by a signal). */
  stop(): Promise<number | null>;
  stdout(): string;
  stderr(): string;
}

/** Starts `ccmux serve` on a free loopback port and waits for /health; retries if the port was taken meanwhile. */
export async function startCcmuxServer(opts: CcmuxServerOptions = {}): Promise<CcmuxServer> {
  const dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT ?? tmpdir(), "ccmux-serve-"));
  let configPath: string | undefined;
  if (opts.configText !== undefined) {
    configPath = join(dir, "config.toml");
    writeFileSync(configPath, opts.configText);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(opts, dir, configPath, await freePort());
    } catch (error) {
      if (attempt >= 3 || !(error instanceof PortTakenError)) throw error;
    }
  }
}

class PortTakenError extends Error {}

async function launch(
  opts: CcmuxServerOptions,
  dir: string,
  configPath: string | undefined,
  port: number,
): Promise<CcmuxServer> {
  const args = ["serve", ...(configPath ? ["--config", configPath] : []), "--port", String(port), ...(opts.args ?? [])];
  const proc = Bun.spawn(ccmuxCommand(args, opts.bin), {
    cwd: opts.cwd ?? REPO_ROOT,
    env: childEnv(opts.env),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const out = collect(proc.stdout);
  const err = collect(proc.stderr);
  const server: CcmuxServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    proc,
    dir,
    configPath,
    stdout: () => out.text,
    stderr: () => err.text,
    stop: () => stopProcess(proc),
  };
  try {
    await waitForHealth(server, opts.readyTimeoutMs ?? 10_000);
  } catch (error) {
    await stopProcess(proc);
    await Promise.all([out.done, err.done]);
    const detail = `exit=${proc.exitCode ?? proc.signalCode}\n--- stderr ---\n${err.text}\n--- stdout ---\n${out.text}`;
    if (/EADDRINUSE|address already in use/i.test(err.text + out.text))
      throw new PortTakenError(`port ${port} taken\n${detail}`);
    throw new Error(`ccmux serve did not become healthy: ${(error as Error).message}\n${detail}`);
  }
  return server;
}

async function waitForHealth(server: CcmuxServer, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = "no answer yet";
  while (performance.now() < deadline) {
    if (server.proc.exitCode !== null || server.proc.signalCode !== null)
      throw new Error("process exited before /health answered");
    try {
      const res = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `GET /health → ${res.status}`;
    } catch (error) {
      last = String(error);
    }
    await Bun.sleep(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms (${last})`);
}

async function stopProcess(proc: Bun.Subprocess): Promise<number | null> {
  if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
  proc.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
  await proc.exited;
  clearTimeout(timer);
  return proc.exitCode;
}

function collect(stream: ReadableStream<Uint8Array>): { text: string; done: Promise<void> } {
  const sink = { text: "", done: Promise.resolve() };
  const decoder = new TextDecoder();
  sink.done = (async () => {
    const reader = stream.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read())
      sink.text += decoder.decode(r.value, { stream: true });
    sink.text += decoder.decode();
  })().catch(() => {});
  return sink;
}
