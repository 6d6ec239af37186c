import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { createFlowRegistry } from "../../src/auth/flows/index.ts";
import { oauthSourceFactory } from "../../src/auth/refresh.ts";
import { createTokenStore } from "../../src/auth/store.ts";
import { loadConfigFile } from "../../src/config/load.ts";
import { createRequestFeed } from "../../src/proxy/request-record.ts";
import { runtime } from "../../src/runtime/index.ts";
import { createSharedDatabase, type SharedDatabase } from "../../src/storage/shared-database.ts";
import { startUsageRecorder, type UsageRecorder } from "../../src/usage/recorder.ts";
import { createUsageTable } from "../../src/usage/schema.ts";
import { createLogger } from "../../src/util/log.ts";
import { launchBrowser, type TestBrowser } from "../helpers/browser.ts";
import { startFakeOAuth, type FakeOAuth } from "../helpers/fake-oauth.ts";
import { startGatedUpstream, type GatedUpstream } from "../helpers/gated-upstream.ts";
import { startInProcess, type InProcessServer } from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const ENV = { UI_FIRST_KEY: "sk-ant-fake-first-0001", UI_GATED_KEY: "sk-ant-fake-gated-0002" };
/** Generous: CI is a busy 2-core machine; every wait below is on an event, not a sleep. */
const STEP = 60_000;
const COMMENT = "# ccmux config for the browser tests: this comment must survive every save.";

let browser: TestBrowser;
let server: InProcessServer;
let upstream: GatedUpstream;
let oauth: FakeOAuth;
let configPath: string;
let page: Page;
let database: SharedDatabase;
let recorder: UsageRecorder;

function configText(upstreamUrl: string): string {
  return `${COMMENT}
[server]
host = "127.0.0.1"
port = 0

[router]
default = "sonnet"

[[providers]]
name = "first"
provider_type = "anthropic"
api_key = "$UI_FIRST_KEY"   # from the environment
base_url = "http://127.0.0.1:9"

[[models]]
name = "sonnet"

[[models.mappings]]
priority = 1
provider = "first"
actual_model = "claude-sonnet-first"
`;
}

beforeAll(async () => {
  Object.assign(process.env, ENV);
  upstream = startGatedUpstream();
  oauth = startFakeOAuth({ format: "json" });
  const dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "ui-page-"));
  configPath = join(dir, "config.toml");
  writeFileSync(configPath, configText(upstream.url));
  const env = { ...runtime.envAll(), ...ENV };
  const loaded = await loadConfigFile(configPath, env);
  const store = createTokenStore({ path: join(dir, "oauth_tokens.json"), runtime });
  const flows = createFlowRegistry({
    env: {
      CCMUX_OAUTH_ANTHROPIC_AUTHORIZE_URL: `${oauth.url}/oauth/authorize`,
      CCMUX_OAUTH_ANTHROPIC_TOKEN_URL: `${oauth.url}/v1/oauth/token`,
    },
  });
  const fetchFn = (i: string | URL | Request, init?: RequestInit) => fetch(i, init);
  const auth = { store, flows, credentials: oauthSourceFactory({ store, flows, fetch: fetchFn }) };
  const requests = createRequestFeed();
  const log = createLogger({ level: "error", plain: true, stream: { write: () => undefined } });
  database = createSharedDatabase({
    path: join(dir, "ccmux.db"),
    open: runtime.openDatabase,
    log,
    setup: [createUsageTable],
  });
  // Flushed by hand below, so no step waits on the recorder's timer.
  const settings = () => ({ enabled: true, retentionDays: 90 });
  recorder = startUsageRecorder({ feed: requests, database, settings, flushMs: 3_600_000 });
  [browser, server] = await Promise.all([
    launchBrowser(),
    startInProcess(loaded!.config, { configPath, env, auth, requests, database }),
  ]);
  page = await (await browser.context()).newPage();
}, 180_000);

afterAll(async () => {
  recorder?.stop();
  database?.close();
  await Promise.all([browser?.close(), server?.stop(), upstream?.stop()]);
  oauth?.stop();
});

async function open(section: string): Promise<void> {
  await page.goto(`${server.url}/#${section}`);
  await page.getByRole("heading", { level: 1 }).waitFor();
}

describe("the admin page in a real browser", () => {
  test(
    "Overview shows the server, the routes and provider health",
    async () => {
      await open("overview");
      await expect(page.getByTestId("version").textContent()).resolves.toBe("0.0.0-test");
      await page.getByTestId("health-row").filter({ hasText: "first" }).getByText("healthy").waitFor();
      expect(await page.locator("main").innerText()).toContain(configPath);
    },
    STEP,
  );

  test(
    "add a provider with a $VAR key, put it first for a model, save: the file keeps its comment and the $VAR",
    async () => {
      await open("providers");
      await page.getByLabel("Type").selectOption("anthropic");
      await page.getByLabel("Name").fill("gated");
      await page.getByRole("button", { name: "Add provider" }).click();
      const card = page.getByTestId("provider-card").filter({ hasText: "gated" });
      await card.getByRole("button", { name: "Edit" }).click();
      expect(await card.getByLabel("API key").inputValue()).toBe("$ANTHROPIC_API_KEY");
      await card.getByLabel("API key").fill("sk-ant-fake-literal");
      await card.getByText("This literal key will be written into config.toml").waitFor();
      await card.getByLabel("API key").fill("$UI_GATED_KEY");
      await card.getByLabel("Base URL").fill(upstream.url);
      await open("models");
      const sonnet = page.getByTestId("model-card").filter({ hasText: "sonnet" });
      await sonnet.getByLabel("Provider").selectOption("gated");
      await sonnet.getByLabel("Upstream model").fill("gated-upstream");
      await sonnet.getByRole("button", { name: "Add fallback" }).click();
      await sonnet.getByRole("button", { name: "Move gated up" }).click();
      expect(await sonnet.getByTestId("mapping").first().innerText()).toContain("gated");
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.getByTestId("save-notice").getByText("and reloaded").waitFor();
      const file = readFileSync(configPath, "utf8");
      expect(file).toContain(COMMENT);
      expect(file).toContain('api_key = "$UI_FIRST_KEY"   # from the environment');
      expect(file).toContain('api_key = "$UI_GATED_KEY"');
      expect(file).not.toContain(ENV.UI_GATED_KEY);
      expect(server.deps.config.models[0]!.mappings[0]).toMatchObject({
        provider: "gated",
        actual_model: "gated-upstream",
      });
    },
    STEP,
  );

  test(
    "a test prompt streams through the fake upstream, thinking and the tool call as blocks; the live log shows it",
    async () => {
      const log = await (await browser.context()).newPage();
      await log.goto(`${server.url}/#log`);
      await log.getByText("live", { exact: true }).waitFor();
      await open("test");
      await page.getByLabel("Model").fill("sonnet");
      await page.locator("textarea[name=test_prompt]").fill("Say hello");
      await page.getByRole("button", { name: "Send" }).click();
      const answer = page.getByTestId("answer");
      await answer.getByText("Hello from").waitFor();
      // The upstream holds the rest back: what shows now arrived as a stream.
      expect(await answer.innerText()).not.toContain("behind the gate");
      expect(await page.getByText("streaming").count()).toBe(1);
      expect(await page.getByTestId("run-provider").innerText()).toBe("gated");
      expect(await page.getByTestId("run-route").innerText()).toBe("default");
      upstream.open();
      await answer.getByText("Hello from behind the gate.").waitFor();
      await answer.getByText("Tool call: get_weather").waitFor();
      expect(await answer.innerText()).toContain('{"city":"Paris"}');
      expect(await answer.getByText("Thinking").count()).toBe(1);
      await page.getByTestId("run-tokens").getByText("21 in / 34 out").waitFor();
      expect(upstream.calls.at(-1)?.["x-api-key"]).toBe(ENV.UI_GATED_KEY);
      // Pushed to the live log page that was already open: one row with the log line's fields.
      const row = log.getByTestId("log-row").filter({ hasText: "gated-upstream" });
      await row.waitFor();
      expect(await row.innerText()).toMatch(
        /default\s+sonnet\s+gated → gated-upstream\s+200\s+\d+ ms\s+\d+ ms\s+21 \/ 34/,
      );
      await log.getByLabel("Filter").fill("no-such-provider");
      await log.getByText("No requests yet match the filter").waitFor();
      await log.close();
      // A page opened later gets the recent requests too.
      await open("log");
      await page.getByTestId("log-row").filter({ hasText: "gated-upstream" }).waitFor();
    },
    STEP,
  );

  test(
    "the usage view shows the test prompt's tokens by model and by provider, with a chart per day",
    async () => {
      recorder.flush();
      await open("usage");
      const row = page.getByTestId("usage-row").filter({ hasText: "gated-upstream" });
      await row.waitFor();
      expect((await row.locator("td").allInnerTexts()).slice(0, 5)).toEqual(["gated-upstream", "1", "0", "21", "34"]);
      await page.getByLabel("Group by").selectOption("provider");
      await page.getByTestId("usage-provider").getByText("gated", { exact: true }).waitFor();
      expect(await page.getByRole("img", { name: "Tokens per day" }).locator("rect").count()).toBeGreaterThan(0);
    },
    STEP,
  );

  test(
    "a save against a file changed since the page loaded it is a 412, shown and resolvable",
    async () => {
      await open("providers");
      await page.getByTestId("provider-card").first().waitFor();
      writeFileSync(configPath, readFileSync(configPath, "utf8").replace(COMMENT, `${COMMENT}\n# edited in an editor`));
      await page
        .getByTestId("provider-card")
        .filter({ hasText: "first" })
        .getByRole("button", { name: "Disable" })
        .click();
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.getByTestId("conflict").waitFor();
      expect(readFileSync(configPath, "utf8")).not.toMatch(/name = "first"[^[]*enabled = false/);
      await page.getByRole("button", { name: "Save mine over it" }).click();
      await page.getByTestId("save-notice").getByText("and reloaded").waitFor();
      const file = readFileSync(configPath, "utf8");
      expect(file).toContain("# edited in an editor");
      expect(server.deps.config.providers.find((p) => p.name === "first")?.enabled).toBe(false);
    },
    STEP,
  );

  test(
    "the router's which-route panel explains with `ccmux route`'s code",
    async () => {
      await open("router");
      await page.getByLabel("Requested model").fill("sonnet");
      const explanation = page.getByTestId("explanation");
      await explanation.getByText('model "sonnet"').waitFor();
      expect(await explanation.locator("li").allInnerTexts()).toEqual([
        "gated → gated-upstream",
        "first → claude-sonnet-first disabled",
      ]);
    },
    STEP,
  );

  test(
    "log in through a fake OAuth server by pasting the code",
    async () => {
      await open("logins");
      await page.getByLabel("Account kind").selectOption("anthropic");
      await page.getByLabel("Token name").fill("claude-max");
      await page.getByRole("button", { name: "Start login" }).click();
      const href = await page.getByTestId("authorize-link").getAttribute("href");
      expect(href).toStartWith(`${oauth.url}/oauth/authorize`);
      const { pasted } = await oauth.authorize(href!);
      await page.getByLabel(/Paste the code/).fill(pasted!);
      await page.getByRole("button", { name: "Finish login" }).click();
      await page.getByText("OAuth authentication successful").waitFor();
      await page.getByTestId("token-row").filter({ hasText: "claude-max" }).getByText("valid").waitFor();
    },
    STEP,
  );
});
