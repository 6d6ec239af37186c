import type { Env } from "../config/paths.ts";
import { startBackground, stopBackground } from "./daemon.ts";
import { waitForHealth } from "./health.ts";
import { installedService, managerEnabled, runCalls, type Report } from "./service.ts";
import type { ServerTarget } from "./target.ts";

/**
 * start/stop/restart, claude-code-mux's commands: through the installed service when there
 * is one, else a detached `serve` tracked by a PID file in the state dir.
 * Each returns the exit code.
 */
export async function startCcmux(target: ServerTarget, env: Env, say: Report): Promise<number> {
  const service = await installedService(env, target.configPath);
  if (service) {
    const enabled = managerEnabled(env);
    await runCalls(service.start, enabled, say);
    if (!enabled) return 0;
    const health = await waitForHealth(target.url, { timeoutMs: 20_000 });
    say(
      health
        ? `ccmux is running (${service.kind}, pid ${health.pid}) on ${target.url}`
        : `the ${service.kind} service started, but nothing answers on ${target.url} yet`,
    );
    return health ? 0 : 1;
  }
  const started = await startBackground(target, env);
  if (started.staleRemoved) say(`removed a stale PID file: ${started.staleRemoved}`);
  if (started.already) say(`ccmux is already running on ${started.url}${started.pid ? ` (pid ${started.pid})` : ""}`);
  else say(`started ccmux (pid ${started.pid}) on ${started.url}; log: ${started.logFile}`);
  return 0;
}

export async function stopCcmux(target: ServerTarget, env: Env, say: Report): Promise<number> {
  const service = await installedService(env, target.configPath);
  if (service) {
    await runCalls(service.stop, managerEnabled(env), say);
    return 0;
  }
  const outcome = await stopBackground(target, env);
  switch (outcome.kind) {
    case "stopped":
      say(`stopped ccmux (pid ${outcome.pid})${outcome.forced ? " with SIGKILL: it did not exit after SIGTERM" : ""}`);
      return 0;
    case "stale":
      say(`ccmux is not running; removed a stale PID file (${outcome.why})`);
      return 0;
    case "not-running":
      if (!outcome.answering) {
        say("ccmux is not running (no PID file)");
        return 0;
      }
      say(
        `a ccmux (pid ${outcome.answering.pid}) answers on ${target.url}, but \`ccmux start\` did not start it: stop it where it runs`,
      );
      return 1;
  }
}

export async function restartCcmux(target: ServerTarget, env: Env, say: Report): Promise<number> {
  const service = await installedService(env, target.configPath);
  if (service) {
    await runCalls(service.restart, managerEnabled(env), say);
    return 0;
  }
  const stopped = await stopCcmux(target, env, say);
  return stopped === 0 ? startCcmux(target, env, say) : stopped;
}
