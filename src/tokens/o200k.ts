// The o200k tokenizer and its rank data (3.7 MB of JavaScript, ~60 MB of heap once loaded), run in a
// Worker (tokens/o200k-client.ts) and a separate entry point of the binary (src/entry-points.ts): loading
// it and counting a large request take hundreds of milliseconds that would otherwise stall every stream.
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";

/** One batch of texts to count, and its answer. */
export interface CountJob {
  id: number;
  texts: string[];
}
export interface CountAnswer {
  id: number;
  counts?: number[];
  error?: string;
}

function answer(job: CountJob): CountAnswer {
  try {
    return { id: job.id, counts: job.texts.map((text) => countTokens(text)) };
  } catch (err) {
    return { id: job.id, error: err instanceof Error ? err.message : String(err) };
  }
}

globalThis.onmessage = (event: MessageEvent<CountJob>) => globalThis.postMessage(answer(event.data));
