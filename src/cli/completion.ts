import { defineCommand } from "citty";
import { usageError } from "../util/cli.ts";
import { allNodes, type CompletionNode, completionTree } from "./completion-tree.ts";

const SHELLS = ["bash", "zsh", "fish"] as const;
type Shell = (typeof SHELLS)[number];

const key = (n: CompletionNode) => n.path.map((w) => ` ${w}`).join("");
const words = (n: CompletionNode) => [...n.commands.map((c) => c.path.at(-1)!), ...n.values].join(" ");
const flags = (n: CompletionNode) => n.options.flatMap((o) => o.names).join(" ");
const valued = (nodes: CompletionNode[]) => [
  ...new Set(nodes.flatMap((n) => n.options.filter((o) => o.takesValue).flatMap((o) => o.names))),
];
const sq = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;

/** The command path so far: the words that name a known subcommand, flags and their values skipped. */
function pathCases(nodes: CompletionNode[], indent: string): string {
  return nodes
    .filter((n) => n.path.length)
    .map((n) => `${indent}${JSON.stringify(key(n))}) cmdpath=${JSON.stringify(key(n))} ;;`)
    .join("\n");
}

function tableCases(nodes: CompletionNode[], indent: string, list: (s: string) => string): string {
  return nodes
    .map((n) => `${indent}${JSON.stringify(key(n))}) subs=${list(words(n))}; opts=${list(flags(n))} ;;`)
    .join("\n");
}

function bash(root: CompletionNode): string {
  const nodes = allNodes(root);
  return `# ccmux completion for bash: source it, or add \`eval "$(ccmux completion bash)"\` to ~/.bashrc
_ccmux() {
  local cur prev cmdpath="" word i subs opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$cmdpath $word" in
${pathCases(nodes, "      ")}
    esac
  done
  case "$prev" in
    ${valued(nodes).join("|")}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  case "$cmdpath" in
${tableCases(nodes, "    ", (s) => JSON.stringify(s))}
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else COMPREPLY=($(compgen -W "$subs" -- "$cur")); fi
}
complete -o default -F _ccmux ccmux
`;
}

function zsh(root: CompletionNode): string {
  const nodes = allNodes(root);
  return `#compdef ccmux
# ccmux completion for zsh: save as _ccmux in a directory on $fpath, or eval "$(ccmux completion zsh)"
_ccmux() {
  local cmdpath="" word i
  local -a subs opts
  for ((i = 2; i < CURRENT; i++)); do
    word="\${words[i]}"
    case "$cmdpath $word" in
${pathCases(nodes, "      ")}
    esac
  done
  case "\${words[CURRENT-1]}" in
    ${valued(nodes).join("|")}) _files; return ;;
  esac
  case "$cmdpath" in
${tableCases(nodes, "    ", (s) => `(${s})`)}
  esac
  if [[ "\${words[CURRENT]}" == -* ]]; then compadd -- $opts; else compadd -- $subs; fi
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then _ccmux "$@"; else compdef _ccmux ccmux; fi
`;
}

function fish(root: CompletionNode): string {
  const nodes = allNodes(root);
  const paths = nodes.filter((n) => n.path.length).map((n) => sq(key(n)));
  const lines = nodes.flatMap((n) => {
    const at = sq(`__ccmux_at ${sq(key(n))}`);
    const subs = n.commands.map((c) => `complete -c ccmux -n ${at} -a ${c.path.at(-1)} -d ${sq(c.description)}`);
    if (n.values.length) subs.push(`complete -c ccmux -n ${at} -a ${sq(n.values.join(" "))}`);
    const opts = n.options.map((o) => {
      const names = o.names.map((x) => (x.startsWith("--") ? `-l ${x.slice(2)}` : `-s ${x.slice(1)}`)).join(" ");
      return `complete -c ccmux -n ${at} ${names}${o.takesValue ? " -r -F" : ""} -d ${sq(o.description)}`;
    });
    return [...subs, ...opts];
  });
  return `# ccmux completion for fish: save as ~/.config/fish/completions/ccmux.fish
set -g __ccmux_paths ${paths.join(" ")}
function __ccmux_at
    set -l p ""
    for w in (commandline -opc)[2..-1]
        if contains -- "$p $w" $__ccmux_paths
            set p "$p $w"
        end
    end
    test "$p" = "$argv[1]"
end
complete -c ccmux -f
${lines.join("\n")}
`;
}

const RENDER: Record<Shell, (root: CompletionNode) => string> = { bash, zsh, fish };

export const completionCommand = defineCommand({
  meta: {
    name: "completion",
    description: "Print a completion script for bash, zsh or fish (generated from the commands)",
  },
  args: { shell: { type: "positional", required: true, description: SHELLS.join(" | ") } },
  async run({ args }) {
    const shell = args.shell as Shell;
    if (!SHELLS.includes(shell))
      usageError(`unknown shell "${args.shell}"; choose one of ${SHELLS.join(", ")}`, "ccmux completion");
    const { rootCommand } = await import("./root.ts");
    process.stdout.write(RENDER[shell](await completionTree(rootCommand)));
  },
});
