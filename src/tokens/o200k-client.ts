import { startEntryWorker } from "../entry-points.ts";
import type { CountAnswer, CountJob } from "./o200k.ts";

interface Pending {
  resolve(counts: number[]): void;
  reject(err: Error): void;
}

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, Pending>();

function failAll(message: string): void {
  for (const job of pending.values()) job.reject(new Error(`local token estimate failed: ${message}`));
  pending.clear();
  worker?.terminate();
  worker = undefined;
}

/** Started on the first estimate; it does not keep the process alive. */
function tokenizer(): Worker {
  if (worker) return worker;
  const started = startEntryWorker("tokens/o200k.ts");
  started.onmessage = (event: MessageEvent<CountAnswer>) => {
    const { id, counts, error } = event.data;
    const job = pending.get(id);
    pending.delete(id);
    if (counts) job?.resolve(counts);
    else job?.reject(new Error(`local token estimate failed: ${error}`));
  };
  started.onerror = (event: ErrorEvent) => failAll(event.message);
  (started as { unref?: () => void }).unref?.();
  worker = started;
  return started;
}

/** o200k token counts of `texts`, counted off the event loop. */
export function countTexts(texts: string[]): Promise<number[]> {
  if (texts.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const job: CountJob = { id: nextId++, texts };
    pending.set(job.id, { resolve, reject });
    tokenizer().postMessage(job);
  });
}
