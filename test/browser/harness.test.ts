import { afterAll, beforeAll, expect, test } from "bun:test";
import { launchBrowser, type TestBrowser } from "../helpers/browser.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let browser: TestBrowser;
let server: InProcessServer;

beforeAll(async () => {
  [browser, server] = await Promise.all([
    launchBrowser(),
    startInProcess(testConfig({ providers: [provider("p", "http://127.0.0.1:9")], models: [model("m", ["p", "x"])] })),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()]);
});

test("a headless Chromium from npm loads a page ccmux serves on loopback", async () => {
  const page = await (await browser.context()).newPage();
  const response = await page.goto(`${server.url}/health`);
  expect(response?.status()).toBe(200);
  expect(JSON.parse(await page.innerText("body"))).toMatchObject({ status: "ok", service: "ccmux" });
});
