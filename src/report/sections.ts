/**
 * The report's breakdown sections: graph nodes, tools, models (latency, time to first token, output speed, tokens,
 * cost), checkpoints (latency and size distributions), errors, and perflog's own maintenance records. Each table shows
 * its `REPORT_TOP` busiest groups and sums the rest in an "other" row.
 */
import type { QueryResult, QueryRow } from '../query/query.js';
import type { OtherRow } from './breakdown.js';
import { topRows } from './breakdown.js';
import { formatBytes, formatCount, formatDuration, formatPercent } from './format.js';
import type { ReportQueries } from './gather.js';
import type { Prices } from './prices.js';
import { costOf } from './prices.js';
import type { Bar } from './svg.js';
import { barChart, escapeHtml } from './svg.js';

/** Groups each breakdown table shows; the others are summed in one "other" row. */
const REPORT_TOP = 10;

/** A column: its header and the cell of a row (`undefined` for the "other" row: shown as "-" unless `sums`). */
interface Column { title: string; cell: (row: QueryRow) => string; sums?: boolean }

const COUNT: Column = { title: 'count', cell: (row) => formatCount(row.count), sums: true };
const ERRORS: Column = { title: 'error rate', cell: (row) => formatPercent(row.count === 0 ? 0 : row.errors / row.count), sums: true };
const latency = (name: 'p50' | 'p95' | 'p99' | 'max', title = name): Column => ({ title, cell: (row) => formatDuration(row.duration[name]) });

function table(id: string, labels: readonly string[], columns: readonly Column[], rows: readonly QueryRow[], top = REPORT_TOP): string {
  const { rows: shown, other } = topRows(rows, top);
  const head = [...labels.map((l) => `<th class="text">${escapeHtml(l)}</th>`), ...columns.map((c) => `<th>${escapeHtml(c.title)}</th>`)].join('');
  const line = (row: QueryRow, names: string[], isOther: boolean): string => `<tr>${names.map((n) => `<td class="text">${escapeHtml(n)}</td>`).join('')}`
    + `${columns.map((c) => `<td>${escapeHtml(!isOther || c.sums === true ? c.cell(row) : '-')}</td>`).join('')}</tr>`;
  const body = shown.map((row) => line(row, labels.map((f) => String(row.group[f] ?? '-')), false));
  if (other !== undefined) body.push(line(other, labels.map((_, i) => (i === 0 ? otherLabel(other) : '')), true));
  return `<table id="${id}"><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

function otherLabel(other: OtherRow): string {
  return `other (${formatCount(other.groups)} groups)`;
}

/** Graph nodes (`node_execution` by `node`) and tools (`tool_call` by `tool`). */
export function toolAndNodeSections(queries: ReportQueries): string {
  const columns = [COUNT, ERRORS, latency('p50'), latency('p95'), latency('p99')];
  const parts: string[] = [];
  if (queries.nodes.rows.length > 0) parts.push(`<section><h3>Graph nodes</h3>${table('nodes', ['node'], columns, queries.nodes.rows)}</section>`);
  if (queries.tools.rows.length > 0) parts.push(`<section><h3>Tools</h3>${table('tools', ['tool'], columns, queries.tools.rows)}</section>`);
  return parts.length === 0 ? '' : `<h2>Nodes and tools</h2><div class="tables">${parts.join('')}</div>`;
}

/** Total cost of the model rows at `prices`, or `undefined` without prices. */
export function modelsCost(queries: ReportQueries, prices: Prices | undefined): number | undefined {
  if (prices === undefined) return undefined;
  return queries.models.rows.reduce((sum, row) => sum + (rowCost(row, prices) ?? 0), 0);
}

function rowCost(row: QueryRow, prices: Prices): number | undefined {
  const price = prices.get(String(row.group['model']));
  const t = row.totals;
  return price === undefined ? undefined : costOf(price, t.prompt_tokens, t['cached_tokens'] ?? 0, t.completion_tokens);
}

/** Per model and provider: calls, errors, latency, time to first token, output tokens/s, tokens, cost. */
export function modelSection(queries: ReportQueries, prices: Prices | undefined): string {
  const rows = queries.models.rows;
  if (rows.length === 0) return '';
  const ttft = (name: 'p50' | 'p95' | 'p99'): Column => ({ title: `TTFT ${name}`, cell: (row) => formatDuration(row.timeToFirstToken?.[name] ?? null) });
  const tokens = (field: string, title: string): Column => ({ title, cell: (row) => formatCount(row.totals[field] ?? 0), sums: true });
  const columns: Column[] = [COUNT, ERRORS, latency('p50'), latency('p95'), ttft('p50'), ttft('p95'), ttft('p99'),
    { title: 'output tok/s', cell: (row) => (row.outputTokensPerSecond == null ? '-' : row.outputTokensPerSecond.toFixed(1)) },
    tokens('prompt_tokens', 'prompt'), tokens('completion_tokens', 'completion'), tokens('cached_tokens', 'cached'),
    tokens('reasoning_tokens', 'reasoning')];
  if (prices !== undefined) {
    columns.push({ title: 'cost (USD)', cell: (row) => { const cost = rowCost(row, prices); return cost === undefined ? '-' : cost.toFixed(4); } });
  }
  const note = prices === undefined ? '<p class="muted">Cost: run with <code>--prices prices.json</code> (see the README).</p>' : '';
  return `<h2>LLM calls per model</h2>${table('models', ['model', 'provider'], columns, rows)}${note}<div class="charts">`
    + barChart('Tokens per model', tokenBars(rows, 'model'), formatCount) + barChart('Tokens per provider', tokenBars(rows, 'provider'), formatCount) + '</div>';
}

function tokenBars(rows: readonly QueryRow[], field: string): Bar[] {
  const sums = new Map<string, { prompt: number; completion: number }>();
  for (const row of rows) {
    const key = String(row.group[field] ?? '(none)');
    const entry = sums.get(key) ?? { prompt: 0, completion: 0 };
    entry.prompt += row.totals.prompt_tokens;
    entry.completion += row.totals.completion_tokens;
    sums.set(key, entry);
  }
  return [...sums].sort((a, b) => b[1].prompt + b[1].completion - a[1].prompt - a[1].completion).slice(0, REPORT_TOP).map(([name, t]) => ({
    label: name,
    segments: [{ name: 'prompt', value: t.prompt, color: 'var(--c1)' }, { name: 'completion', value: t.completion, color: 'var(--c5)' }],
  }));
}

/** Save/load latency and size distributions, per operation and, where present, per `checkpoint_ns`. */
export function checkpointSection(queries: ReportQueries): string {
  if (queries.checkpoints.rows.length === 0) return '';
  const withSizes = (latencies: QueryResult, sizes: QueryResult): QueryRow[] => latencies.rows.map((row) => {
    const size = sizes.rows.find((s) => JSON.stringify(s.group) === JSON.stringify(row.group));
    return { ...row, totals: { ...row.totals, sizeP50: size?.duration.p50 ?? -1, sizeP95: size?.duration.p95 ?? -1, sizeMax: size?.duration.max ?? -1 } };
  });
  const bytes = (field: string, title: string): Column => ({ title, cell: (row) => { const v = row.totals[field] ?? -1; return v < 0 ? '-' : formatBytes(Math.round(v)); } });
  const columns = [COUNT, ERRORS, latency('p50'), latency('p95'), latency('max'), bytes('sizeP50', 'size p50'), bytes('sizeP95', 'size p95'), bytes('sizeMax', 'size max')];
  let html = `<h2>Checkpoints</h2>${table('checkpoints', ['operation'], columns, withSizes(queries.checkpoints, queries.checkpointSizes))}`;
  const byNs = queries.checkpointsByNs.rows.filter((row) => row.group['checkpoint_ns'] !== null);
  if (byNs.length > 0) {
    html += `<h3>Per checkpoint_ns (the ${REPORT_TOP} busiest)</h3>`
      + table('checkpoints-ns', ['operation', 'checkpoint_ns'], columns, withSizes({ ...queries.checkpointsByNs, rows: byNs }, queries.checkpointSizesByNs));
  }
  return html;
}

/** Failed records per module, operation and error. */
export function errorSection(queries: ReportQueries): string {
  const rows = queries.errors.rows.filter((row) => row.group['module'] !== 'log_cleaner');
  if (rows.length === 0) return '<h2>Errors</h2><p class="muted">No failed records.</p>';
  return `<h2>Errors</h2>${table('errors', ['module', 'operation', 'error'], [COUNT], [...rows].sort((a, b) => b.count - a.count))}`;
}

/** perflog's own records (the cleaner's runs), apart from the app's. */
export function maintenanceSection(queries: ReportQueries): string {
  const rows = queries.maintenance.rows;
  if (rows.length === 0) return '';
  const sum = (field: string, title: string, format: (n: number) => string): Column => ({ title, cell: (row) => format(row.totals[field] ?? 0), sums: true });
  const columns = [{ ...COUNT, title: 'runs' }, { title: 'failed', cell: (row: QueryRow) => formatCount(row.errors), sums: true },
    sum('files_deleted', 'files deleted', formatCount), sum('bytes_freed', 'bytes freed', formatBytes), latency('p50'), latency('max')];
  return `<h2>perflog maintenance</h2><p class="muted">perflog's own records (module log_cleaner), not counted above.</p>${table('maintenance', ['operation'], columns, rows)}`;
}
