import { type CommandDef, renderUsage } from "citty";
import { VERSION } from "../version.ts";

/** Examples shown under each command's --help, by command path. */
const EXAMPLES: Record<string, string[]> = {
  "": ["ccmux serve", "ccmux auth login", "ccmux code", 'eval "$(ccmux env)"'],
  serve: ["ccmux serve", "ccmux serve --port 14000 --log-level debug", "ccmux -c ~/dotfiles/ccmux.toml serve"],
  auth: ["ccmux auth login", "ccmux auth list"],
  "auth login": [
    "ccmux auth login",
    "ccmux auth login anthropic --id claude-max",
    "ccmux auth login openai --no-browser",
  ],
  "auth list": ["ccmux auth list", "ccmux auth list --json"],
  "auth logout": ["ccmux auth logout claude-max"],
  "auth refresh": ["ccmux auth refresh claude-max"],
  config: ["ccmux config init", "ccmux config check", "ccmux config path --all"],
  "config path": ["ccmux config path", "ccmux config path --all --json"],
  "config init": ["ccmux config init", "ccmux config init --force"],
  "config check": ["ccmux config check", "ccmux config check -c ./config.toml --json"],
  env: ['eval "$(ccmux env)"', "ccmux env --shell fish | source", "ccmux env --json"],
  code: ["ccmux code", 'ccmux code -p "say hi"', "ccmux code -c ./config.toml -- --model opus"],
  route: [
    "ccmux route --model claude-opus-4-5 --thinking",
    "ccmux route request.json",
    "cat request.json | ccmux route -",
  ],
  status: ["ccmux status", "ccmux status --json"],
  statusline: ['echo \'{"session_id":"…"}\' | ccmux statusline'],
  usage: ["ccmux usage", "ccmux usage --since 30d --by day", "ccmux usage --by account --json"],
  doctor: ["ccmux doctor", "ccmux doctor --json"],
  logs: ["ccmux logs", "ccmux logs -f", "ccmux logs -n 200"],
  service: ["ccmux service install", "ccmux service status"],
  "service install": ["ccmux service install", "ccmux service install --dry-run", "ccmux service install --no-load"],
  "service uninstall": ["ccmux service uninstall"],
  "service status": ["ccmux service status", "ccmux service status --json"],
  start: ["ccmux start", "ccmux start -p 14000"],
  stop: ["ccmux stop"],
  restart: ["ccmux restart"],
  completion: [
    "ccmux completion bash >> ~/.bashrc",
    "ccmux completion zsh > ~/.zfunc/_ccmux",
    "ccmux completion fish > ~/.config/fish/completions/ccmux.fish",
  ],
};

const GLOBAL_OPTIONS = [
  "  -c, --config PATH   config.toml to use (before or after the command; default: $CCMUX_CONFIG, else the config dir)",
  "  -h, --help          Show help for a command",
  "  -v, --version       Print the version",
];

/** citty's usage with the full command path, the examples and the global options. */
export async function usageText(cmd: CommandDef, path: string[]): Promise<string> {
  const parent = { meta: { name: ["ccmux", ...path.slice(0, -1)].join(" "), version: VERSION } } as CommandDef;
  const base = await renderUsage(cmd, path.length ? parent : undefined);
  const examples = EXAMPLES[path.join(" ")] ?? [];
  const lines = [base.trimEnd(), ""];
  if (examples.length) lines.push("EXAMPLES", "", ...examples.map((e) => `  $ ${e}`), "");
  lines.push("GLOBAL OPTIONS", "", ...GLOBAL_OPTIONS);
  return lines.join("\n");
}
