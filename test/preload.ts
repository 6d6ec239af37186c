import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Every test run gets its own HOME and XDG dirs, and no provider credentials from the host.
const root = mkdtempSync(join(tmpdir(), "ccmux-test-"));
for (const dir of ["home", "config", "data", "state", "cache"]) mkdirSync(join(root, dir), { recursive: true });
process.env.HOME = join(root, "home");
process.env.XDG_CONFIG_HOME = join(root, "config");
process.env.XDG_DATA_HOME = join(root, "data");
process.env.XDG_STATE_HOME = join(root, "state");
process.env.XDG_CACHE_HOME = join(root, "cache");
process.env.NO_COLOR = "1";
process.env.CCMUX_TEST_ROOT = root;
// CCMUX_CLAUDE_BIN stays: it picks the Claude Code build the e2e suites drive (test/helpers/claude-cli.ts).
for (const key of Object.keys(process.env)) {
  if (/^(ANTHROPIC|OPENAI|OPENROUTER|GEMINI|GOOGLE|GROQ|DEEPSEEK|CCMUX_(?!TEST_ROOT|CLAUDE_BIN))/.test(key))
    delete process.env[key];
  if (/^(HTTP_PROXY|HTTPS_PROXY|http_proxy|https_proxy|ALL_PROXY)$/.test(key)) delete process.env[key];
}
