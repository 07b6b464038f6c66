/**
 * Renders the report's figures as one self-contained HTML page: inline CSS and SVG, no script, no external
 * resource of any kind; light and dark through `prefers-color-scheme`.
 */
import { formatBytes, formatCount, formatDuration, formatPercent } from './format.js';
import type { Bucket, OperationData, ReportData, TokenTotals } from './collect.js';
import type { Bar, Series } from './svg.js';
import { barChart, escapeHtml, lineChart } from './svg.js';

/** Operations that get their own latency chart (the busiest timers). */
const LATENCY_CHARTS = 8;
const SLOWEST_ROWS = 15;

const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#656d76;--grid:#d8dee4;--card:#f6f8fa;
--c1:#0969da;--c2:#bf8700;--c3:#cf222e;--c4:#1a7f37;--c5:#8250df}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#8d96a0;--grid:#30363d;--card:#161b22;
--c1:#4493f8;--c2:#d29922;--c3:#f85149;--c4:#3fb950;--c5:#a371f7}}
body{margin:0;padding:24px;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}.muted{color:var(--muted)}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}.card{background:var(--card);border-radius:8px;padding:10px 16px;min-width:130px}
.card b{display:block;font-size:20px}.grid{stroke:var(--grid);stroke-width:1}.axis{stroke:var(--muted);stroke-width:1}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{margin:0;background:var(--card);border-radius:8px;padding:10px 12px;max-width:100%}
.chart svg{max-width:100%;height:auto;display:block}figcaption{font-weight:600;margin-bottom:4px}
.tick,.label{fill:var(--muted);font-size:11px}.label{fill:var(--fg)}.line{fill:none;stroke-width:2}
.legend{list-style:none;margin:4px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:12px;font-size:12px;color:var(--muted)}
.swatch{display:inline-block;width:14px;height:3px;margin-right:6px;vertical-align:middle;background:var(--swatch)}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}th,td{padding:4px 10px;text-align:right;border-bottom:1px solid var(--grid)}
th:nth-child(-n+2),td:nth-child(-n+2){text-align:left}th{color:var(--muted);font-weight:600}`;

/** Context printed in the page header. */
export interface ReportMeta {
  title: string;
  generatedAt: Date;
  /** What was read (a directory or the patterns). */
  source: string;
}

/** The complete HTML page. */
export function renderReport(data: ReportData, meta: ReportMeta): string {
  const body = data.operations.length === 0
    ? '<p>No records matched.</p>'
    : [summary(data), throughput(data), latency(data), tokens(data), slowest(data)].join('\n');
  const range = data.operations.length === 0 ? '' : `${isoMinute(data.from)} – ${isoMinute(data.to)} UTC · `;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(meta.title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(meta.title)}</h1>
<p class="muted">${escapeHtml(range)}${formatCount(data.linesRead)} lines from ${formatCount(data.files)} file(s) in ${escapeHtml(meta.source)}`
    + ` · ${formatCount(data.badLines)} bad lines · generated ${escapeHtml(meta.generatedAt.toISOString())}</p>
${body}
</body></html>
`;
}

function formatSpan(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function isoMinute(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

function axisTime(data: ReportData): (x: number) => string {
  const span = data.to - data.from;
  return (x) => {
    const iso = new Date(x * 1000).toISOString();
    return span > 2 * 86400 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : span > 600 ? iso.slice(11, 16) : iso.slice(11, 19);
  };
}

function bucketTimes(data: ReportData): number[] {
  const times: number[] = [];
  for (let i = data.firstBucket; i <= data.lastBucket; i++) times.push(i * data.bucketSeconds);
  return times;
}

function summary(data: ReportData): string {
  const count = data.operations.reduce((sum, op) => sum + op.stats.count, 0);
  const errors = data.operations.reduce((sum, op) => sum + op.stats.errors, 0);
  const tokenTotal = [...data.models.values()].reduce((sum, t) => sum + t.total, 0);
  const size = data.operations.reduce((sum, op) => sum + op.stats.totals[0]!, 0);
  const cards: [string, string][] = [
    ['records', formatCount(count)], ['operations', formatCount(data.operations.length)],
    ['error rate', formatPercent(count === 0 ? 0 : errors / count)], ['tokens', formatCount(tokenTotal)],
  ];
  if (size > 0) cards.push(['bytes (size)', formatBytes(size)]);
  return `<div class="cards">${cards.map(([k, v]) => `<div class="card"><span class="muted">${k}</span><b>${v}</b></div>`).join('')}</div>`;
}

function throughput(data: ReportData): string {
  const times = bucketTimes(data);
  const totals = times.map(() => ({ count: 0, errors: 0 }));
  for (const op of data.operations) {
    for (const [index, bucket] of op.buckets) {
      const slot = totals[index - data.firstBucket];
      if (slot !== undefined) { slot.count += bucket.count; slot.errors += bucket.errors; }
    }
  }
  const perSecond = (n: number): string => (n === 0 ? '0' : n >= 10 ? formatCount(n) : n.toPrecision(2)) + '/s';
  const rate = lineChart({
    title: `Throughput (records per second, ${formatSpan(data.bucketSeconds)} buckets)`, formatX: axisTime(data), formatY: perSecond,
    series: [{ name: 'records/s', color: 'var(--c1)', points: times.map((t, i) => [t, totals[i]!.count / data.bucketSeconds]) }],
  });
  const errors = lineChart({
    title: 'Error rate', formatX: axisTime(data), formatY: (y) => formatPercent(y),
    series: [{ name: 'failed / all', color: 'var(--c3)', points: times.map((t, i) => [t, totals[i]!.count === 0 ? null : totals[i]!.errors / totals[i]!.count]) }],
  });
  return `<h2>Throughput and errors over time</h2><div class="charts">${rate}${errors}</div>`;
}

function latency(data: ReportData): string {
  const timers = data.operations.filter((op) => op.stats.durationCount > 0)
    .sort((a, b) => b.stats.count - a.stats.count).slice(0, LATENCY_CHARTS);
  const times = bucketTimes(data);
  const charts = timers.map((op) => {
    const at = (q: number) => times.map((t, i): [number, number | null] => {
      const bucket: Bucket | undefined = op.buckets.get(data.firstBucket + i);
      return [t, bucket === undefined || bucket.sketch.count === 0 ? null : bucket.sketch.quantile(q)];
    });
    const series: Series[] = [
      { name: 'p50', color: 'var(--c1)', points: at(0.5) },
      { name: 'p95', color: 'var(--c2)', points: at(0.95) },
      { name: 'p99', color: 'var(--c3)', points: at(0.99), dashed: true },
    ];
    return lineChart({ title: `${op.module} · ${op.operation}`, series, formatX: axisTime(data), formatY: formatDuration });
  });
  return `<h2>Latency percentiles over time</h2><div class="charts">${charts.join('')}</div>`;
}

function tokenBars(table: Map<string, TokenTotals>): Bar[] {
  return [...table].sort((a, b) => b[1].total - a[1].total).map(([label, t]) => ({
    label,
    segments: [
      { name: 'prompt', value: t.prompt, color: 'var(--c1)' },
      { name: 'completion', value: t.completion, color: 'var(--c5)' },
    ],
  }));
}

function tokens(data: ReportData): string {
  if (data.models.size === 0) return '<h2>Tokens</h2><p class="muted">No records with token counts.</p>';
  return '<h2>Tokens per model and provider</h2><div class="charts">'
    + barChart('Tokens per model', tokenBars(data.models), formatCount)
    + barChart('Tokens per provider', tokenBars(data.providers), formatCount) + '</div>';
}

function slowest(data: ReportData): string {
  const rows = data.operations.filter((op) => op.stats.durationCount > 0)
    .map((op) => ({ op, p95: op.stats.sketch.quantile(0.95) }))
    .sort((a, b) => b.p95 - a.p95).slice(0, SLOWEST_ROWS);
  const cell = (op: OperationData, q: number): string => formatDuration(Math.min(op.stats.durationMax, op.stats.sketch.quantile(q)));
  const body = rows.map(({ op }) => `<tr><td>${escapeHtml(op.module)}</td><td>${escapeHtml(op.operation)}</td>`
    + `<td>${formatCount(op.stats.count)}</td><td>${formatPercent(op.stats.errors / op.stats.count)}</td>`
    + `<td>${formatDuration(op.stats.durationSum / op.stats.durationCount)}</td><td>${cell(op, 0.5)}</td><td>${cell(op, 0.95)}</td>`
    + `<td>${cell(op, 0.99)}</td><td>${formatDuration(op.stats.durationMax)}</td></tr>`).join('');
  return '<h2>Slowest operations (by p95)</h2><table><thead><tr><th>module</th><th>operation</th><th>count</th><th>errors</th>'
    + `<th>mean</th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr></thead><tbody>${body}</tbody></table>`;
}
