import type { ArgsDef, CommandDef } from "citty";

type Cmd = CommandDef<ArgsDef>;
type Arg = { type?: string; alias?: string | string[]; description?: string };

/** One command of the tree as the completion scripts see it. */
export interface CompletionNode {
  /** The words after `ccmux`, e.g. ["auth", "login"]; [] for ccmux itself. */
  path: string[];
  description: string;
  /** `--name` and `-a` spellings, with whether each takes a value. */
  options: { names: string[]; description: string; takesValue: boolean }[];
  commands: CompletionNode[];
  /** Words a positional argument takes, when its description lists them as `a | b | c`. */
  values: string[];
}

const resolveValue = async <T>(v: T | (() => T | Promise<T>) | Promise<T>): Promise<T> =>
  typeof v === "function" ? await (v as () => T | Promise<T>)() : await v;

function optionsOf(args: Record<string, Arg>): CompletionNode["options"] {
  return Object.entries(args)
    .filter(([, a]) => a.type !== "positional")
    .map(([name, a]) => ({
      names: [`--${name}`, ...[a.alias ?? []].flat().map((x) => (x.length === 1 ? `-${x}` : `--${x}`))],
      description: a.description ?? "",
      takesValue: a.type === "string",
    }));
}

const HELP = { names: ["--help", "-h"], description: "Show help", takesValue: false };
/** `-c` may come before any command (run.ts takes it out); after it, only where the command has --config. */
const CONFIG = { names: ["--config", "-c"], description: "Path to config.toml", takesValue: true };
const CHOICES = /^[\w-]+(?: \| [\w-]+)+$/;

function valuesOf(args: Record<string, Arg>): string[] {
  return Object.values(args).flatMap((a) =>
    a.type === "positional" && CHOICES.test(a.description ?? "") ? (a.description ?? "").split(" | ") : [],
  );
}

/** Walks citty's command tree (loading every lazy subcommand): completion is generated, never listed by hand. */
export async function completionTree(cmd: Cmd, path: string[] = []): Promise<CompletionNode> {
  const meta = (await resolveValue(cmd.meta ?? {})) as { description?: string; hidden?: boolean };
  const args = (await resolveValue(cmd.args ?? {})) as Record<string, Arg>;
  const subs = cmd.subCommands ? await resolveValue(cmd.subCommands) : {};
  const commands: CompletionNode[] = [];
  for (const [name, sub] of Object.entries(subs ?? {})) {
    const child = (await resolveValue(sub)) as Cmd;
    const childMeta = (await resolveValue(child.meta ?? {})) as { hidden?: boolean };
    if (!childMeta.hidden && !name.startsWith("_")) commands.push(await completionTree(child, [...path, name]));
  }
  const own = optionsOf(args);
  const globals = path.length ? [HELP] : [HELP, CONFIG];
  return { path, description: meta.description ?? "", options: [...own, ...globals], commands, values: valuesOf(args) };
}

/** Every node, depth first. */
export function allNodes(node: CompletionNode): CompletionNode[] {
  return [node, ...node.commands.flatMap(allNodes)];
}
