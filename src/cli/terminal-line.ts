import type { LineReader } from "../runtime/index.ts";

/** Ctrl-C (or Ctrl-D on an empty line) at a terminal prompt. */
export class PromptInterrupted extends Error {
  constructor(readonly key: "ctrl-c" | "ctrl-d") {
    super(key === "ctrl-c" ? "interrupted" : "end of input");
    this.name = "PromptInterrupted";
  }
}

export interface TerminalLineOptions {
  /** Where the prompt and the typed text are drawn (stderr or stdout of a TTY). */
  write: (text: string) => void;
  /** The status shown before the typed text, e.g. a spinner with the remaining time. Redrawn every `tickMs`. */
  status: () => string;
  tickMs?: number;
}

type TtyStdin = NodeJS.ReadStream & { setRawMode?: (raw: boolean) => unknown; isRaw?: boolean };

const ESC = String.fromCharCode(27);
const BRACKETED_PASTE = new RegExp(`${ESC}\\[20[01]~`, "g");

/**
 * Reads lines from a terminal in raw mode, so every key reaches ccmux and none is left in the
 * terminal's buffer for the shell after ccmux exits (a pasted `abc#def` or `...&state=...` must never
 * run as a command). Draws its own echo and status line; Ctrl-C rejects with PromptInterrupted.
 * `close()` restores the terminal mode it found and discards anything still buffered.
 */
export function terminalLines(stdin: TtyStdin, opts: TerminalLineOptions): LineReader {
  const wasRaw = Boolean(stdin.isRaw);
  let typed = "";
  let closed = false;
  const lines: string[] = [];
  const waiters: { ok: (line: string | null) => void; fail: (err: Error) => void }[] = [];
  let failure: Error | undefined;

  const draw = () => {
    if (!closed) opts.write(`\r\x1b[2K${opts.status()}${typed}`);
  };
  const deliver = (line: string) => {
    const waiter = waiters.shift();
    if (waiter) waiter.ok(line);
    else lines.push(line);
  };
  const interrupt = (err: PromptInterrupted) => {
    failure = err;
    for (const w of waiters.splice(0)) w.fail(err);
  };
  const onData = (chunk: Buffer | string) => {
    const text = (typeof chunk === "string" ? chunk : chunk.toString("utf8")).replace(BRACKETED_PASTE, "");
    for (const ch of text) {
      if (ch === "\x03") return interrupt(new PromptInterrupted("ctrl-c"));
      if (ch === "\x04" && !typed) return interrupt(new PromptInterrupted("ctrl-d"));
      if (ch === "\r" || ch === "\n") {
        if (!typed.trim()) continue;
        const line = typed;
        typed = "";
        opts.write("\r\n");
        deliver(line);
      } else if (ch === "\x7f" || ch === "\b") typed = typed.slice(0, -1);
      else if (ch === "\x15") typed = "";
      else if (ch >= " ") typed += ch;
    }
    draw();
  };

  stdin.setRawMode?.(true);
  stdin.setEncoding("utf8");
  stdin.on("data", onData);
  stdin.resume();
  draw();
  const timer = setInterval(draw, opts.tickMs ?? 100);

  return {
    next() {
      if (lines.length) return Promise.resolve(lines.shift()!);
      if (failure) return Promise.reject(failure);
      if (closed) return Promise.resolve(null);
      return new Promise((ok, fail) => waiters.push({ ok, fail }));
    },
    close() {
      if (closed) return;
      clearInterval(timer);
      opts.write("\r\x1b[2K");
      closed = true;
      // Whatever is still buffered was typed for ccmux: read it away before giving the terminal back.
      stdin.off("data", onData);
      let drained = stdin.read();
      while (drained !== null) drained = stdin.read();
      stdin.setRawMode?.(wasRaw);
      stdin.pause();
      for (const w of waiters.splice(0)) w.ok(null);
    },
  };
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** `⠹ 4:32 left · paste here: ` — a spinner frame that advances with time, and the time left until `deadline`. */
export function countdownStatus(deadline: number, label: string, now = Date.now()): string {
  const left = Math.max(0, Math.ceil((deadline - now) / 1000));
  const frame = FRAMES[Math.floor(now / 100) % FRAMES.length];
  const clock = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  return `${frame} ${clock} left · ${label}`;
}
