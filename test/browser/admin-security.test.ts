import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { launchBrowser, type TestBrowser } from "../helpers/browser.ts";
import { spawnCcmux, startCcmuxServer, type CcmuxServer } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const STEP = 60_000;
const XSS = "<img src=x onerror=alert(1)>";
const TOKEN = "ui-admin-token-fake-0003";
const ENV = { UI_ADMIN_TOKEN: TOKEN, UI_XSS_KEY: "sk-ant-fake-xss-0004" };

const CONFIG = `# the page with admin_token set, and hostile names
[server]
admin_token = "$UI_ADMIN_TOKEN"

[router]
default = "${XSS}"

[[providers]]
name = "${XSS}"
provider_type = "anthropic"
api_key = "$UI_XSS_KEY"
base_url = "http://127.0.0.1:9"

[[models]]
name = "${XSS}"

[[models.mappings]]
priority = 1
provider = "${XSS}"
actual_model = "${XSS}"
`;

let browser: TestBrowser;
let server: CcmuxServer;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startCcmuxServer({ configText: CONFIG, env: ENV })]);
}, 180_000);

afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()]);
});

/** Runs `ccmux ui` with $BROWSER set to a script that writes down the URL it was asked to open. */
async function ccmuxUi(): Promise<{ url: string; stdout: string }> {
  const uiConfig = join(server.dir, `ui-${Date.now()}.toml`);
  writeFileSync(uiConfig, `[server]\nport = ${server.port}\nadmin_token = "$UI_ADMIN_TOKEN"\n`);
  const opened = join(server.dir, "opened.txt");
  const script = join(server.dir, "browser.sh");
  writeFileSync(script, `#!/bin/sh\nprintf '%s' "$1" > "${opened}"\n`);
  chmodSync(script, 0o755);
  const out = await spawnCcmux(["ui", "--config", uiConfig], { env: { ...ENV, BROWSER: script } });
  expect(out.exitCode).toBe(0);
  return { url: readFileSync(opened, "utf8"), stdout: out.stdout };
}

async function loggedIn(): Promise<{ context: BrowserContext; page: Page }> {
  const { url } = await ccmuxUi();
  const context = await browser.context();
  const page = await context.newPage();
  await page.goto(url);
  return { context, page };
}

describe("the admin page's security", () => {
  test(
    "with admin_token, `ccmux ui` opens a one-time link that sets an HttpOnly SameSite=Strict cookie",
    async () => {
      const { url, stdout } = await ccmuxUi();
      expect(stdout).toContain("one-time link");
      expect(url).toStartWith(`${server.url}/ui/login?code=`);
      expect(url).not.toContain(TOKEN);
      const context = await browser.context();
      const page = await context.newPage();
      const denied = await page.goto(`${server.url}/`);
      expect(denied?.status()).toBe(401);
      await page.goto(url);
      expect(new URL(page.url()).pathname).toBe("/");
      await page.getByTestId("version").waitFor();
      const [cookie] = await context.cookies();
      expect(cookie).toMatchObject({ name: "ccmux_session", httpOnly: true, sameSite: "Strict" });
      expect(cookie!.value).not.toContain(TOKEN);
      expect(await page.evaluate(() => document.cookie)).toBe("");
      const again = await (await browser.context()).newPage();
      expect((await again.goto(url))?.status()).toBe(403);
      // Writes need the same origin even with the cookie.
      const cross = await context.request.post(`${server.url}/api/config/json`, {
        headers: { origin: "http://evil.example", "content-type": "application/json" },
        data: {},
      });
      expect(cross.status()).toBe(403);
      const noCookie = await fetch(`${server.url}/api/config/json`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(noCookie.status).toBe(401);
    },
    STEP,
  );

  test(
    "the CSP allows no inline script and no other origin, and the page asks only its own origin",
    async () => {
      const { context, page } = await loggedIn();
      const foreign: string[] = [];
      const violations: string[] = [];
      page.on("request", (r) => !r.url().startsWith(server.url) && foreign.push(r.url()));
      page.on("console", (m) => m.text().includes("Content Security Policy") && violations.push(m.text()));
      const res = await page.goto(`${server.url}/`);
      const csp = res?.headers()["content-security-policy"] ?? "";
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toMatch(/https?:/);
      expect(await page.locator("script:not([src])").count()).toBe(0);
      for (const section of ["overview", "providers", "models", "router", "logins", "test", "log", "usage"]) {
        await page.goto(`${server.url}/#${section}`);
        await page.getByRole("heading", { level: 1 }).waitFor();
      }
      expect(foreign).toEqual([]);
      expect(violations).toEqual([]);
      await context.close();
    },
    STEP,
  );

  test(
    "a provider and model named like markup render as text in every section",
    async () => {
      const { context, page } = await loggedIn();
      const sections: [string, string][] = [
        ["overview", "[data-testid=health-row]"],
        ["providers", "[data-testid=provider-card]"],
        ["models", "[data-testid=model-card]"],
        ["router", "[data-testid=explanation]"],
        ["test", "select[name=test_provider]"],
        ["log", "[data-testid=log-row]"],
      ];
      // One request (its upstream refuses the connection), so the live log has a row with these names.
      const res = await fetch(`${server.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: XSS, max_tokens: 8, messages: [{ role: "user", content: "hi" }] }),
      });
      expect(res.status).toBeGreaterThanOrEqual(500);
      for (const [section, selector] of sections) {
        await page.goto(`${server.url}/#${section}`);
        if (section === "router") await page.getByLabel("Requested model").fill(XSS);
        await page.locator(selector).first().waitFor({ state: "attached" });
        await page.waitForFunction((s) => document.querySelector(s)?.textContent?.includes("<img"), selector);
        expect(await page.locator("img").count()).toBe(0);
      }
      await context.close();
    },
    STEP,
  );

  test(
    "the OAuth callback page escapes what it shows",
    async () => {
      const started = await fetch(`${server.url}/api/oauth/authorize`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ oauth_type: "openai", provider_id: XSS }),
      });
      const { state } = (await started.json()) as { state: string };
      const page = await (await browser.context()).newPage();
      const res = await page.goto(
        `${server.url}/auth/callback?state=${state}&error=${encodeURIComponent(XSS)}&error_description=${encodeURIComponent(XSS)}`,
      );
      expect(res?.status()).toBeGreaterThanOrEqual(400);
      expect(await page.locator("img").count()).toBe(0);
      expect(await page.locator("body").innerText()).toContain("<img src=x");
    },
    STEP,
  );
});
