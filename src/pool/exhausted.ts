import { UpstreamError, type UpstreamErrorInit } from "../util/errors.ts";

/** An account skipped or stopped because its quota is spent. */
export interface ParkedAccount {
  key: string;
  until: number;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "14:05" today, "Dec 6 14:05" on another day (local time, as the user reads a clock). */
function clock(at: number, now: number): string {
  const d = new Date(at);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (d.toDateString() === new Date(now).toDateString()) return time;
  return `${d.toLocaleString("en-US", { month: "short" })} ${d.getDate()} ${time}`;
}

function span(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}

export function earliestReset(parked: ParkedAccount[]): number {
  return Math.min(...parked.map((p) => p.until));
}

function exhaustedInit(parked: ParkedAccount[], now: number): UpstreamErrorInit {
  const count = new Set(parked.map((p) => p.key)).size;
  const earliest = earliestReset(parked);
  const seconds = Math.max(1, Math.ceil((earliest - now) / 1000));
  const noun = count === 1 ? "account" : "accounts";
  return {
    status: 429,
    type: "rate_limit_error",
    message: `all ${count} ${noun} limited; earliest reset ${clock(earliest, now)} (in ${span(seconds)})`,
    retryable: false,
    retryAfter: seconds,
    headers: { "retry-after": String(seconds) },
  };
}

/**
 * Every account that could serve the request is out of quota: a 429 in Anthropic's shape that
 * says when the first one reopens, with `retry-after` to match; `parked` says which and until when.
 */
export class PoolExhausted extends UpstreamError {
  constructor(
    readonly parked: ParkedAccount[],
    now: number,
  ) {
    super(exhaustedInit(parked, now));
  }
}
