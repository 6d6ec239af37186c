// A command in a real pseudo-terminal (Bun's own PTY, so nothing beyond `npm ci` is needed).
import { REPO_ROOT } from "./spawn.ts";

export interface PtySession {
  proc: Bun.Subprocess;
  /** Everything the terminal showed so far, escape sequences removed. */
  screen(): string;
  /** Resolves once the screen contains `text` (after `from`, an index into screen()). */
  waitFor(text: string | RegExp, from?: number): Promise<void>;
  type(keys: string): void;
  exited: Promise<number>;
}

const ESC = String.fromCharCode(27);
const BEL = String.fromCharCode(7);
const ANSI = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]|${ESC}\\][^${BEL}]*${BEL}`, "g");

/** Runs `argv` attached to a PTY; waits are event-driven (each chunk of output wakes the waiters). */
export function spawnInPty(argv: string[], env: Record<string, string>): PtySession {
  let raw = "";
  const wakers = new Set<() => void>();
  const decoder = new TextDecoder();
  const proc = Bun.spawn(argv, {
    cwd: REPO_ROOT,
    env: { ...(process.env as Record<string, string>), ...env },
    terminal: {
      cols: 400,
      rows: 50,
      data: (_t, data) => {
        raw += decoder.decode(data, { stream: true });
        for (const wake of wakers) wake();
      },
    },
  });
  const screen = () => raw.replace(ANSI, "");
  const matches = (text: string | RegExp, from: number) => {
    const s = screen().slice(from);
    return typeof text === "string" ? s.includes(text) : text.test(s);
  };
  const exited = proc.exited.then((code) => {
    for (const wake of wakers) wake();
    return code;
  });
  return {
    proc,
    screen,
    exited,
    type: (keys) => proc.terminal!.write(keys),
    waitFor: (text, from = 0) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (matches(text, from)) {
            wakers.delete(check);
            resolve();
          } else if (proc.exitCode !== null) {
            wakers.delete(check);
            reject(new Error(`exited before showing ${text}:\n${screen()}`));
          }
        };
        wakers.add(check);
        check();
      }),
  };
}
