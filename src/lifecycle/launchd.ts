import { join } from "node:path";
import type { Env } from "../config/paths.ts";
import { outputFilePath } from "./daemon.ts";
import { call, type ServiceSpec, type UnitInputs } from "./service-spec.ts";

export const LAUNCHD_LABEL = "io.github.ccmux";

const xml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function launchdPlistPath(env: Env): string {
  return join(env.HOME ?? "", "Library", "LaunchAgents", `${LAUNCHD_LABEL}.plist`);
}

/** launchd has no EnvironmentFile: a /bin/sh wrapper sources it ($0) and execs the real argv ("$@"). */
const SOURCE_ENV = 'set -a; [ -f "$0" ] && . "$0"; set +a; exec "$@"';

/**
 * launchd keeps no journal: ccmux writes its own rotated log (--log-file), and launchd's stdout/stderr
 * catch only what the runtime prints outside it (a crash), in the same file `ccmux start` uses for that.
 */
function plistText(inputs: UnitInputs, outFile: string): string {
  const args = ["/bin/sh", "-c", SOURCE_ENV, inputs.envFile, ...inputs.argv, "--log-file", inputs.logFile];
  const strings = args.map((a) => `    <string>${xml(a)}</string>`).join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Written by \`ccmux service install\`; remove it with \`ccmux service uninstall\`. -->
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${LAUNCHD_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
${strings}
  </array>
  <key>EnvironmentVariables</key>
  <dict>
    <key>NO_COLOR</key>
    <string>1</string>
  </dict>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>StandardOutPath</key>
  <string>${xml(outFile)}</string>
  <key>StandardErrorPath</key>
  <string>${xml(outFile)}</string>
</dict>
</plist>
`;
}

export function launchdSpec(inputs: UnitInputs, env: Env, uid: number | undefined): ServiceSpec {
  const domain = `gui/${uid ?? 501}`;
  const target = `${domain}/${LAUNCHD_LABEL}`;
  const unitPath = launchdPlistPath(env);
  return {
    kind: "launchd",
    inputs,
    unitPath,
    unitText: plistText(inputs, outputFilePath(env)),
    load: [call(["launchctl", "bootout", target], true), call(["launchctl", "bootstrap", domain, unitPath])],
    unload: [call(["launchctl", "bootout", target], true)],
    afterRemove: [],
    start: [call(["launchctl", "kickstart", target])],
    stop: [call(["launchctl", "kill", "SIGTERM", target])],
    restart: [call(["launchctl", "kickstart", "-k", target])],
    status: ["launchctl", "print", target],
    lastExit: ["launchctl", "print", target],
  };
}
