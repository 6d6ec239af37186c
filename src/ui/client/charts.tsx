/** Plain SVG charts (no chart library: two small charts do not need one). Colours come from CSS. */

export interface Series {
  name: string;
  cls: string;
  values: number[];
}

const W = 560;
const H = 180;
const PAD = { l: 52, r: 8, t: 10, b: 26 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return Math.ceil(v / p) * p;
}

export function compact(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

function Axes({ max, labels, unit }: { max: number; labels: string[]; unit: string }) {
  const step = Math.max(1, Math.ceil(labels.length / 8));
  const x = (i: number) => PAD.l + ((i + 0.5) * (W - PAD.l - PAD.r)) / labels.length;
  return (
    <g class="axis">
      {[0, 0.5, 1].map((f) => (
        <g>
          <line
            x1={PAD.l}
            x2={W - PAD.r}
            y1={PAD.t + (1 - f) * (H - PAD.t - PAD.b)}
            y2={PAD.t + (1 - f) * (H - PAD.t - PAD.b)}
            class="grid-line"
          />
          <text x={PAD.l - 6} y={PAD.t + (1 - f) * (H - PAD.t - PAD.b) + 4} text-anchor="end">
            {compact(max * f)}
            {f === 1 ? unit : ""}
          </text>
        </g>
      ))}
      {labels.map((l, i) =>
        i % step === 0 ? (
          <text x={x(i)} y={H - 8} text-anchor="middle">
            {l}
          </text>
        ) : null,
      )}
    </g>
  );
}

export interface ChartProps {
  title: string;
  labels: string[];
  series: Series[];
  unit?: string;
}

/** The frame both charts share: the SVG with its axes, and a caption naming the series. */
function Frame({ title, labels, series, unit = "", max, children }: ChartProps & { max: number; children: unknown }) {
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        <Axes max={max} labels={labels} unit={unit} />
        {children}
      </svg>
      <figcaption>
        {title}:{" "}
        {series.map((s) => (
          <span class={`key ${s.cls}`}>{s.name}</span>
        ))}
      </figcaption>
    </figure>
  );
}

/** Stacked bars, one per label. */
export function BarChart(props: ChartProps) {
  const { labels, series } = props;
  const totals = labels.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const plotH = H - PAD.t - PAD.b;
  const bw = (W - PAD.l - PAD.r) / Math.max(1, labels.length);
  return (
    <Frame {...props} max={max}>
      {labels.map((_, i) => {
        let base = 0;
        return series.map((s) => {
          const h = ((s.values[i] ?? 0) / max) * plotH;
          base += h;
          return (
            <rect class={s.cls} x={PAD.l + i * bw + bw * 0.15} width={bw * 0.7} y={PAD.t + plotH - base} height={h} />
          );
        });
      })}
    </Frame>
  );
}

/** One polyline per series. */
export function LineChart(props: ChartProps) {
  const { labels, series } = props;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const plotH = H - PAD.t - PAD.b;
  const x = (i: number) => PAD.l + ((i + 0.5) * (W - PAD.l - PAD.r)) / Math.max(1, labels.length);
  const y = (v: number) => PAD.t + plotH - (v / max) * plotH;
  return (
    <Frame {...props} max={max}>
      {series.map((s) => (
        <g class={`line ${s.cls}`}>
          <polyline points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(" ")} />
          {s.values.map((v, i) => (
            <circle cx={x(i)} cy={y(v)} r={3.5} />
          ))}
        </g>
      ))}
    </Frame>
  );
}
