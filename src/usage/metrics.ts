import type { FinishedRequest, RequestFeed } from "../proxy/request-record.ts";
import { family, histogramFamily, observe, type HistogramSeries, type Labels, type Sample } from "./exposition.ts";

/** Seconds; the request bounds reach a long agentic answer, the first-token bounds a slow start. */
const LATENCY_BOUNDS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] as const;
const TTFT_BOUNDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30] as const;
const TOKEN_KINDS = ["input", "output", "cacheRead", "cacheWrite"] as const;
const KIND_LABEL = { input: "input", output: "output", cacheRead: "cache_read", cacheWrite: "cache_write" };

/**
 * Model names can come from clients (a request whose routing failed keeps the name it asked for):
 * past this many series per family, new label sets are counted under model="other".
 */
const MAX_SERIES = 2000;

/** Counters and histograms of finished requests, kept since the server started. */
export interface RequestMetrics {
  /** The families this collector owns, as exposition lines. */
  lines(): string[];
  stop(): void;
}

class SeriesMap<T extends { labels: Labels }> {
  private readonly map = new Map<string, T>();
  constructor(private readonly create: (labels: Labels) => T) {}

  get(labels: Labels): T {
    let key = JSON.stringify(labels);
    let series = this.map.get(key);
    if (series) return series;
    if (this.map.size >= MAX_SERIES && "model" in labels) {
      labels = { ...labels, model: "other" };
      key = JSON.stringify(labels);
      series = this.map.get(key);
      if (series) return series;
    }
    series = this.create(labels);
    this.map.set(key, series);
    return series;
  }

  all(): T[] {
    return [...this.map.values()];
  }
}

const counter = () => new SeriesMap<Sample>((labels) => ({ labels, value: 0 }));
const histogram = (bounds: readonly number[]) =>
  new SeriesMap<HistogramSeries>((labels) => ({ labels, buckets: bounds.map(() => 0), sum: 0, count: 0 }));

function modelOf(r: FinishedRequest): string {
  return r.upstreamModel || r.requestedModel;
}

/** Subscribes to the request feed; the request path pays a few map lookups per finished request. */
export function startRequestMetrics(feed: RequestFeed): RequestMetrics {
  const requests = counter();
  const tokens = counter();
  const upstreamErrors = counter();
  const latency = histogram(LATENCY_BOUNDS);
  const ttft = histogram(TTFT_BOUNDS);

  const record = (r: FinishedRequest) => {
    const model = modelOf(r);
    requests.get({ route: r.route, provider: r.provider, model, status: String(r.status) }).value++;
    for (const kind of TOKEN_KINDS) {
      if (r.tokens[kind] > 0)
        tokens.get({ provider: r.provider, model, kind: KIND_LABEL[kind] }).value += r.tokens[kind];
    }
    observe(latency.get({ route: r.route, provider: r.provider }), LATENCY_BOUNDS, r.latencyMs / 1000);
    if (r.ttftMs !== undefined)
      observe(ttft.get({ route: r.route, provider: r.provider }), TTFT_BOUNDS, r.ttftMs / 1000);
    for (const a of r.attempts) {
      if (a.errorType) upstreamErrors.get({ provider: a.provider, type: a.errorType }).value++;
    }
  };
  const unsubscribe = feed.subscribe(record);

  return {
    lines: () => [
      ...family(
        "ccmux_requests_total",
        "counter",
        "Finished requests by route, provider, model and the status the client got.",
        requests.all(),
      ),
      ...family(
        "ccmux_tokens_total",
        "counter",
        "Tokens the upstreams reported, by provider, model and kind.",
        tokens.all(),
      ),
      ...histogramFamily(
        "ccmux_request_duration_seconds",
        "Time from a request's arrival to the end of its answer.",
        LATENCY_BOUNDS,
        latency.all(),
      ),
      ...histogramFamily(
        "ccmux_time_to_first_token_seconds",
        "Time to the first relayed byte of a streamed answer.",
        TTFT_BOUNDS,
        ttft.all(),
      ),
      ...family(
        "ccmux_upstream_errors_total",
        "counter",
        "Failed upstream attempts (retried or final) by provider and Anthropic error type.",
        upstreamErrors.all(),
      ),
    ],
    stop: unsubscribe,
  };
}
