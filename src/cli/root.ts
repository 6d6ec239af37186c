import { defineCommand } from "citty";
import { VERSION } from "../version.ts";

export const rootCommand = defineCommand({
  meta: {
    name: "ccmux",
    version: VERSION,
    description: "LLM router for Claude Code: routes Anthropic Messages API requests to the right model and provider",
  },
  subCommands: {
    serve: () => import("./serve.ts").then((m) => m.serveCommand),
    auth: () => import("./auth.ts").then((m) => m.authCommand),
    config: () => import("./config.ts").then((m) => m.configCommand),
    env: () => import("./env.ts").then((m) => m.envCommand),
    code: () => import("./code.ts").then((m) => m.codeCommand),
    route: () => import("./route.ts").then((m) => m.routeCommand),
    status: () => import("./status.ts").then((m) => m.statusCommand),
    doctor: () => import("./doctor/command.ts").then((m) => m.doctorCommand),
    usage: () => import("./usage-history.ts").then((m) => m.usageCommand),
    statusline: () => import("./statusline-command.ts").then((m) => m.statuslineCommand),
    ui: () => import("./ui.ts").then((m) => m.uiCommand),
    service: () => import("./service.ts").then((m) => m.serviceCommand),
    start: () => import("./start.ts").then((m) => m.startCommand),
    stop: () => import("./stop.ts").then((m) => m.stopCommand),
    logs: () => import("./logs.ts").then((m) => m.logsCommand),
    restart: () => import("./restart.ts").then((m) => m.restartCommand),
    completion: () => import("./completion.ts").then((m) => m.completionCommand),
  },
});
