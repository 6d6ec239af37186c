import { ClientAbort } from "./errors.ts";

/** Resolves after `ms`; rejects with ClientAbort (and clears its timer) as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new ClientAbort());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ClientAbort());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
