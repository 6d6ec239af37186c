/** The Prometheus text exposition format (version 0.0.4): counters, gauges and histograms. */

export type Labels = Record<string, string>;

export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

function numberText(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return "+Inf";
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1e6) / 1e6);
}

export interface Sample {
  labels: Labels;
  value: number;
}

/** One metric family: its HELP and TYPE lines, then a line per sample. */
export function family(name: string, type: "counter" | "gauge", help: string, samples: Sample[]): string[] {
  return [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} ${type}`,
    ...samples.map((s) => `${name}${labelText(s.labels)} ${numberText(s.value)}`),
  ];
}

/** Observations counted per upper bound (cumulative when written), with their sum and count. */
export interface HistogramSeries {
  labels: Labels;
  buckets: number[];
  sum: number;
  count: number;
}

export function observe(series: HistogramSeries, bounds: readonly number[], value: number): void {
  const i = bounds.findIndex((b) => value <= b);
  if (i >= 0) series.buckets[i]!++;
  series.sum += value;
  series.count++;
}

export function histogramFamily(
  name: string,
  help: string,
  bounds: readonly number[],
  all: HistogramSeries[],
): string[] {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
  for (const s of all) {
    let cumulative = 0;
    bounds.forEach((bound, i) => {
      cumulative += s.buckets[i]!;
      lines.push(`${name}_bucket${labelText({ ...s.labels, le: numberText(bound) })} ${cumulative}`);
    });
    lines.push(`${name}_bucket${labelText({ ...s.labels, le: "+Inf" })} ${s.count}`);
    lines.push(`${name}_sum${labelText(s.labels)} ${numberText(s.sum)}`);
    lines.push(`${name}_count${labelText(s.labels)} ${s.count}`);
  }
  return lines;
}
