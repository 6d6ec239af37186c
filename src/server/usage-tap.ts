export interface UsageCounts {
  input?: number;
  output?: number;
  cacheRead?: number;
}

const INPUT = /"input_tokens":\s*(\d+)/g;
const OUTPUT = /"output_tokens":\s*(\d+)/g;
const CACHE_READ = /"cache_read_input_tokens":\s*(\d+)/g;

function lastMatch(re: RegExp, text: string): number | undefined {
  let found: number | undefined;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) found = Number(m[1]);
  return found;
}

function scan(text: string, usage: UsageCounts): void {
  const input = lastMatch(INPUT, text);
  if (input !== undefined && (usage.input === undefined || input > usage.input)) usage.input = input;
  const output = lastMatch(OUTPUT, text);
  if (output !== undefined) usage.output = output;
  const cached = lastMatch(CACHE_READ, text);
  if (cached !== undefined && (usage.cacheRead === undefined || cached > usage.cacheRead)) usage.cacheRead = cached;
}

/**
 * Watches an Anthropic JSON or SSE body for token usage without changing a byte, and reports
 * when the body ends, fails or is cancelled by the client.
 */
export function tapUsage(
  body: ReadableStream<Uint8Array>,
  onDone: (usage: UsageCounts, outcome: "ok" | "error" | "aborted") => void,
): ReadableStream<Uint8Array> {
  const usage: UsageCounts = {};
  const decoder = new TextDecoder();
  let tail = "";
  let reported = false;
  const report = (outcome: "ok" | "error" | "aborted") => {
    if (reported) return;
    reported = true;
    onDone(usage, outcome);
  };
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await reader.read();
        if (done) {
          report("ok");
          controller.close();
          return;
        }
        const text = tail + decoder.decode(value, { stream: true });
        if (text.includes("_tokens")) scan(text, usage);
        tail = text.length > 64 ? text.slice(-64) : text;
        controller.enqueue(value);
      } catch (err) {
        report("error");
        controller.error(err);
      }
    },
    cancel(reason) {
      report("aborted");
      return reader.cancel(reason);
    },
  });
}
