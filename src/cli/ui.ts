import { defineCommand } from "citty";
import type { Env } from "../config/paths.ts";
import { probeHealth } from "../lifecycle/health.ts";
import { resolveTargetLoosely, type ServerTarget } from "../lifecycle/target.ts";
import { findExecutable } from "../lifecycle/which.ts";
import { runtime } from "../runtime/index.ts";
import { configArg, die, say } from "../util/cli.ts";

/** The page's address; with `admin_token` set, a one-time link that starts a cookie session. */
async function pageUrl(target: ServerTarget): Promise<string> {
  if (!target.adminToken) return `${target.url}/`;
  const res = await fetch(`${target.url}/api/ui/link`, {
    method: "POST",
    headers: { authorization: `Bearer ${target.adminToken}` },
  });
  if (!res.ok) die(`ccmux refused a login link (HTTP ${res.status}): is server.admin_token the same in this config?`);
  const { path } = (await res.json()) as { path: string };
  return `${target.url}${path}`;
}

/** `$BROWSER`, else the system's opener. */
async function opener(env: Env): Promise<string[] | undefined> {
  if (env.BROWSER) return [env.BROWSER];
  const platform = process.platform;
  if (platform === "darwin") return ["open"];
  if (platform === "win32") return ["rundll32", "url.dll,FileProtocolHandler"];
  const found = await findExecutable("xdg-open", env, platform);
  return found ? [found] : undefined;
}

export const uiCommand = defineCommand({
  meta: {
    name: "ui",
    description:
      "Open the admin page of the running ccmux in a browser (a one-time login link when admin_token is set)",
  },
  args: {
    ...configArg,
    open: { type: "boolean", default: true, description: "Open a browser (--no-open prints the link only)" },
  },
  async run({ args }) {
    const env = runtime.envAll();
    const target = await resolveTargetLoosely(args.config, env);
    if (!(await probeHealth(target.url)))
      die(
        `ccmux is not running on ${target.url}: start it with \`ccmux start\` (or \`ccmux serve\`), then run \`ccmux ui\``,
      );
    const url = await pageUrl(target);
    const argv = args.open ? await opener(env) : undefined;
    if (argv) {
      const result = await runtime.run([...argv, url], { stdio: "pipe" });
      if (result.code === 0) return say(`Opened the ccmux admin page${target.adminToken ? " (one-time link)" : ""}.`);
    }
    say(target.adminToken ? "Open this one-time link (valid for 2 minutes, once):" : "Open the admin page:");
    say(`  ${url}`);
  },
});
