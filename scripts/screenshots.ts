#!/usr/bin/env bun
// Writes the admin page screenshots the README shows (docs/screenshots/*.png): a real `ccmux serve`
// from source with a demo config, a local fake Anthropic upstream, a few requests so the live log
// and usage have rows, and the test suite's headless Chromium at laptop and phone widths.
//   bun scripts/screenshots.ts [--out docs/screenshots]
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { launchBrowser } from "../test/helpers/browser.ts";

const root = join(import.meta.dir, "..");
const outArg = process.argv.indexOf("--out");
const out = outArg > 0 ? process.argv[outArg + 1]! : join(root, "docs/screenshots");

const enc = new TextEncoder();
const frame = (e: Record<string, unknown>) => enc.encode(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);

/** A fake Anthropic upstream: every request streams a short answer with thinking and a tool call. */
function fakeUpstream() {
  return Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const body = (await req.json()) as { model: string; stream?: boolean };
      const events = [
        {
          type: "message_start",
          message: {
            id: "msg_demo",
            type: "message",
            role: "assistant",
            model: body.model,
            content: [],
            stop_reason: null,
            usage: {
              input_tokens: 1200 + Math.round(Math.random() * 800),
              output_tokens: 1,
              cache_read_input_tokens: 900,
            },
          },
        },
        { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } },
        {
          type: "content_block_delta",
          index: 0,
          delta: { type: "thinking_delta", thinking: "The user wants the failing test fixed; read it first." },
        },
        { type: "content_block_stop", index: 0 },
        { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
        {
          type: "content_block_delta",
          index: 1,
          delta: { type: "text_delta", text: "I'll look at the failing test first." },
        },
        { type: "content_block_stop", index: 1 },
        {
          type: "content_block_start",
          index: 2,
          content_block: { type: "tool_use", id: "toolu_demo", name: "Read", input: {} },
        },
        {
          type: "content_block_delta",
          index: 2,
          delta: { type: "input_json_delta", partial_json: '{"file_path":"test/router.test.ts"}' },
        },
        { type: "content_block_stop", index: 2 },
        {
          type: "message_delta",
          delta: { stop_reason: "tool_use", stop_sequence: null },
          usage: { output_tokens: 180 + Math.round(Math.random() * 200) },
        },
        { type: "message_stop" },
      ];
      const stream = new ReadableStream<Uint8Array>({
        async start(ctrl) {
          for (const e of events) {
            ctrl.enqueue(frame(e));
            await Bun.sleep(15);
          }
          ctrl.close();
        },
      });
      return new Response(stream, { headers: { "content-type": "text/event-stream" } });
    },
  });
}

function demoConfig(upstream: string, port: number): string {
  return `# ccmux demo config for the README screenshots
[server]
host = "127.0.0.1"
port = ${port}

[router]
default = "sonnet"
background = "haiku"
think = "opus"
long_context = "sonnet"

[[providers]]
name = "anthropic"
provider_type = "anthropic"
api_key = "$ANTHROPIC_API_KEY"
base_url = "${upstream}"

[[providers]]
name = "openrouter"
provider_type = "openrouter"
api_key = "$OPENROUTER_API_KEY"

[[providers]]
name = "local"
provider_type = "ollama"
enabled = false

[[models]]
name = "sonnet"
mappings = [
  { priority = 1, provider = "anthropic", actual_model = "claude-sonnet-4-6" },
  { priority = 2, provider = "openrouter", actual_model = "anthropic/claude-sonnet-4.6" },
]

[[models]]
name = "opus"
mappings = [{ priority = 1, provider = "anthropic", actual_model = "claude-opus-4-6" }]

[[models]]
name = "haiku"
mappings = [
  { priority = 1, provider = "anthropic", actual_model = "claude-haiku-4-5" },
  { priority = 2, provider = "local", actual_model = "qwen3-coder" },
]
`;
}

async function waitForHealth(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await Bun.sleep(100);
  }
  throw new Error(`ccmux did not start on ${url}`);
}

async function sendDemoRequests(url: string): Promise<void> {
  const models = ["claude-sonnet-4-6", "claude-sonnet-4-6", "claude-haiku-4-5", "claude-opus-4-6", "claude-sonnet-4-6"];
  for (const model of models) {
    const res = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model,
        max_tokens: 512,
        stream: true,
        messages: [{ role: "user", content: "Fix the failing test" }],
      }),
    });
    await res.text();
  }
}

async function shoot(page: Page, url: string, section: string, name: string, before?: (p: Page) => Promise<void>) {
  await page.goto(`${url}/#${section}`);
  await page.getByRole("heading", { level: 1 }).waitFor();
  await page.waitForLoadState("networkidle").catch(() => undefined);
  if (before) await before(page);
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
  console.log(`wrote ${join(out, `${name}.png`)}`);
}

const dir = mkdtempSync(join(tmpdir(), "ccmux-screenshots-"));
const upstream = fakeUpstream();
const port = 20000 + Math.floor(Math.random() * 20000);
const config = join(dir, "config.toml");
writeFileSync(config, demoConfig(`http://127.0.0.1:${upstream.port}`, port));
const env = {
  ...process.env,
  HOME: dir,
  XDG_CONFIG_HOME: dir,
  XDG_DATA_HOME: dir,
  XDG_STATE_HOME: dir,
  ANTHROPIC_API_KEY: "sk-ant-fake-demo",
  OPENROUTER_API_KEY: "sk-or-fake-demo",
};
const server = Bun.spawn([process.execPath, join(root, "src/main.ts"), "serve", "--config", config], {
  env,
  stdout: "ignore",
  stderr: "inherit",
});
const url = `http://127.0.0.1:${port}`;
mkdirSync(out, { recursive: true });
const browser = await launchBrowser();
try {
  await waitForHealth(url);
  await sendDemoRequests(url);
  const laptop = await browser.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light" });
  const page = await laptop.newPage();
  await shoot(page, url, "overview", "overview");
  await shoot(page, url, "providers", "providers", (p) => p.getByRole("button", { name: "Edit" }).nth(1).click());
  await shoot(page, url, "models", "models");
  await shoot(page, url, "router", "router", (p) => p.getByTestId("explanation").waitFor());
  await shoot(page, url, "test", "test-console", async (p) => {
    await p.getByRole("button", { name: "Send" }).click();
    await p.getByText("Tool call: Read").waitFor();
    await p.getByTestId("run-total").getByText("ms").waitFor();
  });
  await shoot(page, url, "log", "live-log");
  await shoot(page, url, "usage", "usage");
  const dark = await browser.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "dark" });
  await shoot(await dark.newPage(), url, "usage", "usage-dark");
  const phone = await browser.browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  await shoot(await phone.newPage(), url, "overview", "overview-phone");
} finally {
  await browser.close();
  server.kill();
  upstream.stop(true);
}
