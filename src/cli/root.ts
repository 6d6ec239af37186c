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
  },
});
