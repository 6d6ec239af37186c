import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runtime } from "../../src/runtime/index.ts";
import { createRotatingFile } from "../../src/util/log-file.ts";
import { followLog, lastLines } from "../../src/util/log-read.ts";

let dir: string;
let path: string;
const files = { readFrom: runtime.readFrom, fileInfo: runtime.fileInfo };

beforeEach(() => {
  dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT ?? tmpdir(), "ccmux-logfile-"));
  path = join(dir, "logs", "ccmux.log");
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const line = (i: number) => `line ${String(i).padStart(4, "0")} ${"x".repeat(40)}\n`;

/** Every line in every file, oldest file first. */
function allLines(): string[] {
  const names = readdirSync(join(dir, "logs"))
    .filter((n) => n.startsWith("ccmux.log"))
    .sort((a, b) => Number(b.split(".")[2] ?? 0) - Number(a.split(".")[2] ?? 0));
  return names.flatMap((n) =>
    readFileSync(join(dir, "logs", n), "utf8")
      .split("\n")
      .filter(Boolean),
  );
}

describe("the rotating log file", () => {
  test("rotates by size, keeps N files in all, and loses no line of what the kept files can hold", () => {
    const file = createRotatingFile({ path, files: runtime.syncFiles, maxBytes: 1000, keep: 3 });
    for (let i = 0; i < 40; i++) file.write(line(i));
    file.close();
    const names = readdirSync(join(dir, "logs")).sort();
    expect(names).toEqual(["ccmux.log", "ccmux.log.1", "ccmux.log.2"]);
    for (const name of names) expect(statSync(join(dir, "logs", name)).size).toBeLessThanOrEqual(1000);
    const kept = allLines();
    // Consecutive, ending with the last line written: nothing lost, nothing reordered, no line split.
    const numbers = kept.map((l) => Number(l.split(" ")[1]));
    expect(numbers.at(-1)).toBe(39);
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
    expect(kept.every((l) => l.endsWith("x".repeat(40)))).toBe(true);
    expect(kept.length).toBeGreaterThanOrEqual(40 - 20);
  });

  test("files are mode 0600 in a 0700 directory, an existing file included; writing appends", () => {
    const first = createRotatingFile({ path, files: runtime.syncFiles });
    first.write("one\n");
    first.close();
    writeFileSync(path, "one\n", { mode: 0o644 });
    const again = createRotatingFile({ path, files: runtime.syncFiles });
    again.write("two\n");
    again.close();
    expect(readFileSync(path, "utf8")).toBe("one\ntwo\n");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "logs")).mode & 0o777).toBe(0o700);
  });

  test("a line longer than the limit still goes whole into a file of its own", () => {
    const file = createRotatingFile({ path, files: runtime.syncFiles, maxBytes: 10, keep: 2 });
    file.write("short\n");
    file.write(`${"y".repeat(50)}\n`);
    file.close();
    expect(readFileSync(path, "utf8")).toBe(`${"y".repeat(50)}\n`);
    expect(readFileSync(`${path}.1`, "utf8")).toBe("short\n");
  });
});

describe("reading the log", () => {
  test("the last N lines reach back into the rotated files", async () => {
    const file = createRotatingFile({ path, files: runtime.syncFiles, maxBytes: 500, keep: 5 });
    for (let i = 0; i < 30; i++) file.write(line(i));
    file.close();
    const { lines: last, end } = await lastLines(path, 20, files);
    expect(end.offset).toBe(statSync(path).size);
    expect(last).toHaveLength(20);
    expect(last[0]).toStartWith("line 0010 ");
    expect(last[19]).toStartWith("line 0029 ");
    expect((await lastLines(path, 0, files)).lines).toEqual([]);
    expect((await lastLines(join(dir, "missing.log"), 5, files)).lines).toEqual([]);
  });

  test("following prints every line written after it started, across a rotation, in order", async () => {
    const file = createRotatingFile({ path, files: runtime.syncFiles, maxBytes: 400, keep: 3 });
    file.write("before follow\n");
    const seen: string[] = [];
    const ac = new AbortController();
    let wanted = () => {};
    const got = new Promise<void>((resolve) => (wanted = resolve));
    let started = () => {};
    const ready = new Promise<void>((resolve) => (started = resolve));
    const following = followLog(path, {
      files,
      pollMs: 10,
      signal: ac.signal,
      onStart: started,
      onText: (text) => {
        seen.push(...text.split("\n").filter(Boolean));
        if (seen.length >= 12) wanted();
      },
    });
    await ready;
    // Two rotations may land between two looks: the reader drains every rotated file it had not finished.
    for (let i = 0; i < 12; i++) file.write(line(i));
    await got;
    ac.abort();
    await following;
    file.close();
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => line(i).trimEnd()));
    expect(readdirSync(join(dir, "logs"))).toContain("ccmux.log.1");
  });
});
