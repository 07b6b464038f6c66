/**
 * Renders the report's figures as one self-contained HTML page: inline CSS and SVG, no script, no external
 * resource of any kind; light and dark through `prefers-color-scheme`.
 */
import type { QueryRow } from '../query/query.js';
import { INTERNAL_MODULES } from './breakdown.js';
import type { Bucket, Timeline } from './collect.js';
import { formatBytes, formatCount, formatDuration, formatPercent } from './format.js';
import type { ReportQueries } from './gather.js';
import type { Prices } from './prices.js';
import { checkpointSection, errorSection, maintenanceSection, modelSection, modelsCost, toolAndNodeSections } from './sections.js';
import type { Series } from './svg.js';
import { escapeHtml, lineChart } from './svg.js';

/** Everything the page shows: the query answers, the time series and, when the user gave them, model prices. */
export interface ReportData {
  readonly queries: ReportQueries;
  readonly timeline: Timeline;
  readonly prices?: Prices | undefined;
}

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
table{border-collapse:collapse;font-variant-numeric:tabular-nums}th,td{padding:4px 10px;text-align:right;border-bottom:1px solid var(--grid);white-space:nowrap}
th{color:var(--muted);font-weight:600}
td.text,th.text{text-align:left}.tables{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}.tables section{max-width:100%;overflow-x:auto}
h3{font-size:14px;margin:8px 0 6px}.values{list-style:none;margin:8px 0;padding:0;display:flex;gap:18px;flex-wrap:wrap}
.values b{display:block;font-size:20px}.single{min-width:200px}`;

/** Context printed in the page header. */
export interface ReportMeta {
  title: string;
  generatedAt: Date;
  /** What was read (a directory or the patterns). */
  source: string;
}

/** The app's rows of a result (perflog's own modules left out). */
export function appRows(rows: readonly QueryRow[]): QueryRow[] {
  return rows.filter((row) => !INTERNAL_MODULES.includes(String(row.group['module'])));
}

/** The complete HTML page. */
export function renderReport(data: ReportData, meta: ReportMeta): string {
  const { timeline } = data;
  const app = appRows(data.queries.operations.rows);
  const body = app.length === 0
    ? '<p>No records of the app matched.</p>'
    : [summary(data, app), throughput(timeline), latency(timeline), toolAndNodeSections(data.queries), modelSection(data.queries, data.prices),
      checkpointSection(data.queries), errorSection(data.queries), slowest(app)].join('\n');
  const range = timeline.operations.length === 0 ? '' : `${isoMinute(timeline.from)} – ${isoMinute(timeline.to)} UTC · `;
  const result = data.queries.operations;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(meta.title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(meta.title)}</h1>
<p class="muted">${escapeHtml(range)}${formatCount(result.linesRead)} lines from ${formatCount(result.files)} file(s) in ${escapeHtml(meta.source)}`
    + ` · ${formatCount(result.badLines)} bad lines · generated ${escapeHtml(meta.generatedAt.toISOString())}</p>
${body}
${maintenanceSection(data.queries)}
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

function axisTime(data: Timeline): (x: number) => string {
  const span = data.to - data.from;
  return (x) => {
    const iso = new Date(x * 1000).toISOString();
    return span > 2 * 86400 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : span > 600 ? iso.slice(11, 16) : iso.slice(11, 19);
  };
}

function bucketTimes(data: Timeline): number[] {
  const times: number[] = [];
  for (let i = data.firstBucket; i <= data.lastBucket; i++) times.push(i * data.bucketSeconds);
  return times;
}

function summary(data: ReportData, app: readonly QueryRow[]): string {
  const count = app.reduce((sum, row) => sum + row.count, 0);
  const errors = app.reduce((sum, row) => sum + row.errors, 0);
  const tokenTotal = data.queries.models.rows.reduce((sum, row) => sum + row.totals.total_tokens, 0);
  const size = app.reduce((sum, row) => sum + row.totals.size, 0);
  const cards: [string, string][] = [
    ['records', formatCount(count)], ['operations', formatCount(app.length)],
    ['error rate', formatPercent(count === 0 ? 0 : errors / count)], ['tokens', formatCount(tokenTotal)],
  ];
  if (size > 0) cards.push(['bytes (size)', formatBytes(size)]);
  const cost = modelsCost(data.queries, data.prices);
  if (cost !== undefined) cards.push(['cost', `$${cost.toFixed(2)}`]);
  return `<div class="cards">${cards.map(([k, v]) => `<div class="card"><span class="muted">${k}</span><b>${escapeHtml(v)}</b></div>`).join('')}</div>`;
}

function throughput(data: Timeline): string {
  const times = bucketTimes(data);
  const width = data.bucketSeconds;
  // The first and last buckets hold only the part of their width the records span: a rate over the whole width
  // would draw a dip that is not there.
  const covered = (start: number): number => Math.max(Math.min(width, 1), Math.min(start + width, data.to) - Math.max(start, data.from));
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
    series: [{ name: 'records/s', color: 'var(--c1)', points: times.map((t, i) => [t, totals[i]!.count / covered(t)]) }],
  });
  const errors = lineChart({
    title: 'Error rate', formatX: axisTime(data), formatY: (y) => formatPercent(y),
    series: [{ name: 'failed / all', color: 'var(--c3)', points: times.map((t, i) => [t, totals[i]!.count === 0 ? null : totals[i]!.errors / totals[i]!.count]) }],
  });
  return `<h2>Throughput and errors over time</h2><div class="charts">${rate}${errors}</div>`;
}

function latency(data: Timeline): string {
  const timers = data.operations.filter((op) => op.timed > 0)
    .sort((a, b) => b.count - a.count).slice(0, LATENCY_CHARTS);
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

function slowest(app: readonly QueryRow[]): string {
  const rows = app.filter((row) => row.duration.p95 !== null)
    .sort((a, b) => b.duration.p95! - a.duration.p95!).slice(0, SLOWEST_ROWS);
  const body = rows.map((row) => `<tr><td class="text">${escapeHtml(String(row.group['module']))}</td><td class="text">${escapeHtml(String(row.group['operation']))}</td>`
    + `<td>${formatCount(row.count)}</td><td>${formatPercent(row.errors / row.count)}</td>`
    + `<td>${formatDuration(row.duration.mean)}</td><td>${formatDuration(row.duration.p50)}</td><td>${formatDuration(row.duration.p95)}</td>`
    + `<td>${formatDuration(row.duration.p99)}</td><td>${formatDuration(row.duration.max)}</td></tr>`).join('');
  return '<h2>Slowest operations (by p95)</h2><table id="slowest"><thead><tr><th class="text">module</th><th class="text">operation</th><th>count</th><th>errors</th>'
    + `<th>mean</th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr></thead><tbody>${body}</tbody></table>`;
}
