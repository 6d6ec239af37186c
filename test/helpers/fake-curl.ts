// A stand-in for `curl` on PATH, for running the README's install commands as written: GitHub
// release and raw URLs are answered from local files, every URL is logged, anything else fails
// like `curl -f` (exit 22). Reads FAKE_CURL_RELEASE (a release dir), FAKE_CURL_REPO (owner/name),
// FAKE_CURL_SOURCE (the repository checkout) and FAKE_CURL_LOG.
import { appendFileSync, copyFileSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

const env = process.env;
const release = `https://github.com/${env.FAKE_CURL_REPO}/releases/latest/download/`;
const raw = `https://raw.githubusercontent.com/${env.FAKE_CURL_REPO}/main/`;

function localFile(url: string): string | undefined {
  if (url.startsWith(release)) return join(env.FAKE_CURL_RELEASE!, url.slice(release.length));
  if (url.startsWith(raw)) return join(env.FAKE_CURL_SOURCE!, url.slice(raw.length));
  return undefined;
}

let remoteName = false;
let output: string | undefined;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  if (arg === "-o") output = args[++i];
  else if (/^-[a-zA-Z]+$/.test(arg)) remoteName ||= arg.includes("O");
  else {
    appendFileSync(env.FAKE_CURL_LOG!, `${arg}\n`);
    const file = localFile(arg);
    try {
      if (!file) throw new Error("not a release or raw URL");
      if (output) copyFileSync(file, output);
      else if (remoteName) copyFileSync(file, basename(file));
      else process.stdout.write(readFileSync(file));
    } catch {
      process.stderr.write(`curl: (22) The requested URL returned error: 404 (${arg})\n`);
      process.exit(22);
    }
    output = undefined;
    remoteName = false;
  }
}
