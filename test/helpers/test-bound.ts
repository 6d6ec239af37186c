import { setDefaultTimeout } from "bun:test";

/**
 * The per-test bound for a file whose tests start servers or processes: a guard against a hang,
 * not a speed requirement (CI's two cores are shared, and a spawn can take seconds there). Call it
 * at the top of the file: Bun applies setDefaultTimeout to the file it is called from only, so a
 * call in the preload covers just the first file, and bunfig.toml's [test] has no timeout key.
 */
export function boundTestsForBusyMachine(): void {
  setDefaultTimeout(60_000);
}
