import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium as playwright, type Browser, type BrowserContext } from "playwright-core";

/**
 * A headless Chromium for the web UI tests, offline: the build `@sparticuz/chromium` ships inside
 * its npm package (so `npm ci` brings it), or a system Chromium when that one can't run here
 * (another OS or CPU) or `CCMUX_TEST_CHROMIUM` names one.
 */

/** Chromium must not reach out: this machine's network refuses every background connection. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-extensions",
  "--disable-default-apps",
  "--disable-domain-reliability",
  "--disable-breakpad",
  "--no-first-run",
  "--no-default-browser-check",
  "--no-pings",
  "--metrics-recording-only",
  "--mute-audio",
];

const SYSTEM_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];
const MAC_CHROME = "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome";

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function systemChromium(): string | undefined {
  for (const name of SYSTEM_NAMES) {
    const found = onPath(name);
    if (found) return found;
  }
  return existsSync(MAC_CHROME) ? MAC_CHROME : undefined;
}

/**
 * Unpacks the packaged build once per version into a shared cache dir. Test processes (and other
 * clones on this machine) may race: each unpacks into its own dir and renames it into place.
 */
async function packagedChromium(): Promise<string | undefined> {
  if (process.platform !== "linux" || process.arch !== "x64") return undefined;
  const { default: sparticuz } = await import("@sparticuz/chromium");
  const pkgFile = fileURLToPath(new URL("../package.json", import.meta.resolve("@sparticuz/chromium")));
  const { version } = JSON.parse(readFileSync(pkgFile, "utf8")) as { version: string };
  const cache = join(tmpdir(), `ccmux-chromium-${version}`);
  const binary = join(cache, "chromium");
  if (existsSync(binary)) return binary;
  mkdirSync(tmpdir(), { recursive: true });
  const partial = mkdtempSync(`${cache}.partial-`);
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = partial; // the package unpacks into os.tmpdir()
  try {
    await sparticuz.executablePath();
  } finally {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
  try {
    renameSync(partial, cache);
  } catch {
    rmSync(partial, { recursive: true, force: true }); // another process won the race
  }
  return existsSync(binary) ? binary : undefined;
}

export async function chromiumPath(): Promise<string> {
  const named = process.env.CCMUX_TEST_CHROMIUM;
  if (named) return named;
  const packaged = await packagedChromium().catch(() => undefined);
  const found = packaged ?? systemChromium();
  if (!found)
    throw new Error("No Chromium: `npm ci` installs @sparticuz/chromium (Linux x64); elsewhere install Chromium");
  return found;
}

export interface TestBrowser {
  browser: Browser;
  /** A fresh context (own cookies and storage); closed with the browser. */
  context(): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** One browser per test file: launch in `beforeAll`, close in `afterAll`. */
export async function launchBrowser(): Promise<TestBrowser> {
  const executablePath = await chromiumPath();
  const browser = await playwright.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS, // Playwright adds a fresh --user-data-dir of its own
    timeout: 120_000,
  });
  return {
    browser,
    context: () => browser.newContext({ viewport: { width: 1280, height: 860 } }),
    close: () => browser.close(),
  };
}
