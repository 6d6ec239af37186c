import { join, posix } from "node:path";
import type { Env } from "../config/paths.ts";
import { call, type ServiceSpec, type UnitInputs } from "./service-spec.ts";

const UNIT = "ccmux.service";

/** systemd's own quoting for ExecStart: double quotes, backslash escapes, `%` and `$` doubled. */
export function quoteSystemdArg(arg: string): string {
  const escaped = arg.replace(/%/g, "%%").replace(/\$/g, "$$$$");
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** `$XDG_CONFIG_HOME/systemd/user`, where systemd looks for user units. */
export function systemdUnitPath(env: Env): string {
  const xdg = env.XDG_CONFIG_HOME && posix.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : undefined;
  const base = xdg ?? join(env.HOME ?? "", ".config");
  return join(base, "systemd", "user", UNIT);
}

function unitText(inputs: UnitInputs): string {
  return `# Written by \`ccmux service install\`; remove it with \`ccmux service uninstall\`.
[Unit]
Description=ccmux, an LLM router for Claude Code
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
ExecStart=${inputs.argv.map(quoteSystemdArg).join(" ")}
# Provider keys referenced as $VAR in config.toml go here (NAME=value lines).
EnvironmentFile=-${quoteSystemdArg(inputs.envFile)}
Environment=NO_COLOR=1
Restart=on-failure
RestartSec=2
TimeoutStopSec=20

[Install]
WantedBy=default.target
`;
}

export function systemdSpec(inputs: UnitInputs, env: Env): ServiceSpec {
  const ctl = (...args: string[]) => call(["systemctl", "--user", ...args]);
  return {
    kind: "systemd",
    inputs,
    unitPath: systemdUnitPath(env),
    unitText: unitText(inputs),
    load: [ctl("daemon-reload"), ctl("enable", UNIT), ctl("restart", UNIT)],
    unload: [{ ...ctl("disable", "--now", UNIT), mayFail: true }],
    afterRemove: [ctl("daemon-reload")],
    start: [ctl("start", UNIT)],
    stop: [ctl("stop", UNIT)],
    restart: [ctl("restart", UNIT)],
    status: ["systemctl", "--user", "is-active", UNIT],
    lastExit: ["systemctl", "--user", "show", UNIT, "--property=ActiveState,SubState,Result,ExecMainStatus"],
    hint: "To keep it running while you are logged out: loginctl enable-linger $USER",
  };
}
