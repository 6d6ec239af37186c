import { defineCommand } from "citty";

export const configCommand = defineCommand({
  meta: { name: "config", description: "Find, create and validate config.toml" },
  subCommands: {
    path: () => import("./config-path.ts").then((m) => m.configPathCommand),
    init: () => import("./config-init.ts").then((m) => m.configInitCommand),
    check: () => import("./config-check.ts").then((m) => m.configCheckCommand),
    import: () => import("./config-import.ts").then((m) => m.configImportCommand),
  },
});
