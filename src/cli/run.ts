import { type ArgsDef, type CommandDef, runCommand } from "citty";
import { VERSION } from "../version.ts";
import { die, errorMessage, usageError } from "../util/cli.ts";
import { translateOsError } from "./os-errors.ts";
import { closest } from "./suggest.ts";
import { usageText } from "./usage.ts";

type Cmd = CommandDef<ArgsDef>;
type Arg = { type?: string; alias?: string | string[]; required?: boolean };

/** Commands whose arguments belong to another program (`code` passes them to claude). */
const PASS_THROUGH = new Set(["code"]);
const CONFIG_FLAG = /^(?:-c|--config)(?:=(.*))?$/;

const resolveValue = async <T>(v: T | (() => T | Promise<T>) | Promise<T>): Promise<T> =>
  typeof v === "function" ? await (v as () => T | Promise<T>)() : await v;

async function subCommands(cmd: Cmd): Promise<Record<string, Cmd> | undefined> {
  const subs = cmd.subCommands ? await resolveValue(cmd.subCommands) : undefined;
  if (!subs || !Object.keys(subs).length) return undefined;
  const out: Record<string, Cmd> = {};
  for (const [name, sub] of Object.entries(subs)) {
    const meta = await resolveValue(((await resolveValue(sub)) as Cmd).meta ?? {});
    if (!(meta as { hidden?: boolean })?.hidden || name.startsWith("__")) out[name] = sub as unknown as Cmd;
  }
  return out;
}

/** Takes `-c X` / `--config X` / `--config=X` out of `args` (before any `--`). */
function takeConfig(args: string[]): { config?: string; rest: string[] } {
  const rest: string[] = [];
  let config: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      rest.push(...args.slice(i));
      break;
    }
    const m = CONFIG_FLAG.exec(arg);
    if (!m) rest.push(arg);
    else if (m[1] !== undefined) config = m[1];
    else if (i + 1 < args.length) config = args[++i];
    else usageError(`${arg} needs a value: the path to config.toml`);
  }
  return { config, rest };
}

/** Walks the command tree along the leading words; refuses an unknown command with a suggestion. */
async function resolvePath(root: Cmd, argv: string[]) {
  let cmd = root;
  const path: string[] = [];
  let rest = argv;
  for (;;) {
    const subs = await subCommands(cmd);
    const word = rest[0];
    if (!subs || word === undefined || word.startsWith("-")) break;
    const sub = subs[word];
    if (!sub) {
      const hint = closest(
        word,
        Object.keys(subs).filter((n) => !n.startsWith("__")),
      );
      const where = ["ccmux", ...path].join(" ");
      usageError(`unknown command "${word}" for \`${where}\`${hint ? `; did you mean "${hint}"?` : ""}`, where);
    }
    cmd = await resolveValue(sub);
    path.push(word);
    rest = rest.slice(1);
    if (PASS_THROUGH.has(path.join(" "))) break;
  }
  return { cmd, path, rest };
}

/** Refuses unknown flags (with a suggestion), flags missing their value and extra positionals. */
function checkArgs(def: Record<string, Arg>, args: string[], where: string): void {
  const flags = new Map<string, Arg & { name: string }>();
  for (const [name, arg] of Object.entries(def)) {
    if (arg.type === "positional") continue;
    flags.set(name, { ...arg, name });
    for (const alias of [arg.alias ?? []].flat()) flags.set(alias, { ...arg, name });
    if (arg.type === "boolean") flags.set(`no-${name}`, { ...arg, name });
  }
  const positionals = Object.values(def).filter((a) => a.type === "positional").length;
  let seen = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") break;
    if (!arg.startsWith("-") || arg === "-" || /^-\d/.test(arg)) {
      if (++seen > positionals) usageError(`unexpected argument "${arg}" for \`${where}\``, where);
      continue;
    }
    const name = arg.replace(/^--?/, "").split("=")[0]!;
    const flag = flags.get(name);
    if (!flag) {
      const hint = closest(
        name,
        [...flags.keys()].filter((k) => k.length > 1),
      );
      usageError(
        `unknown option ${arg.split("=")[0]} for \`${where}\`${hint ? `; did you mean --${hint}?` : ""}`,
        where,
      );
    }
    if (flag.type === "string" && !arg.includes("=")) {
      const value = args[i + 1];
      if (value === undefined || (value.startsWith("-") && value !== "-"))
        usageError(`${arg} needs a value (\`${where} --help\` lists the options)`, where);
      i++;
    }
  }
}

/** The ccmux command line: strict flags, `-c` anywhere, one-line errors, exit 2 for usage mistakes. */
export async function runCli(root: Cmd, argv: string[]): Promise<void> {
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) return console.log(VERSION);
  const lead = argv.findIndex((a, i) => !a.startsWith("-") && !/^(-c|--config)$/.test(argv[i - 1] ?? ""));
  const early = takeConfig(lead < 0 ? argv : argv.slice(0, lead));
  const resolved = await resolvePath(root, lead < 0 ? [] : argv.slice(lead));
  const { cmd, path } = resolved;
  const rest = [...early.rest, ...resolved.rest];
  const where = ["ccmux", ...path].join(" ");
  const passThrough = PASS_THROUGH.has(path.join(" "));
  const own = rest.slice(0, rest.includes("--") ? rest.indexOf("--") : undefined);
  if (passThrough ? rest[0] === "--help" || rest[0] === "-h" : own.some((a) => a === "--help" || a === "-h")) {
    console.log(await usageText(cmd, path));
    return;
  }
  if ((await subCommands(cmd)) && !cmd.run) {
    console.error(await usageText(cmd, path));
    usageError(`\`${where}\` needs a command`, where);
  }
  const late = passThrough ? { config: undefined, rest } : takeConfig(rest);
  const config = late.config ?? early.config;
  const def = (await resolveValue(cmd.args ?? {})) as Record<string, Arg>;
  if (config !== undefined && !def.config) usageError(`\`${where}\` takes no --config`, where);
  if (!passThrough) checkArgs(def, late.rest, where);
  const args = [...path, ...(config !== undefined ? ["--config", config] : []), ...late.rest];
  try {
    await runCommand(root, { rawArgs: args });
  } catch (err) {
    die(translateOsError(err) ?? errorMessage(err));
  }
}
