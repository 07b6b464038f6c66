/**
 * `perflog stats`: `queryMetrics` from the command line, as an aligned table or the result as JSON.
 */
import type { QueryResult, QueryRow } from '../query/query.js';
import { queryMetrics } from '../query/query.js';
import { INTERNAL_MODULES, topRows } from '../report/breakdown.js';
import type { Command, CommandIo } from './args.js';
import { FILTER_FLAGS, UsageError, parseFlags, parseFormat, readOptionsFromFlags } from './args.js';
import { formatBytes, formatCount, formatDuration, formatPercent } from '../report/format.js';
import { renderTable } from './format.js';
import { describeSource } from './clickhouse-flags.js';

const USAGE = 'perflog stats [--dir logs] [--pattern GLOB]... [--clickhouse URL [--database otel] [--table otel_logs]] '
  + '[--module M] [--operation O] [--since 24h|7d|ISO] [--until ..] [--group-by module,operation] [--top 20] '
  + '[--include-internal] [--format table|json]';

const FLAGS = { ...FILTER_FLAGS, 'group-by': { type: 'string' }, format: { type: 'string' }, top: { type: 'string' },
  'include-internal': { type: 'boolean' } } as const;

/** Rows the table shows by default; the rest is summed in an "other" row (`--format json` has every group). */
const DEFAULT_TOP = 20;

/** How `renderStats` lays the table out. */
export interface StatsTableOptions {
  /** Most groups shown, by count; the others make one "other" row. @default 20 */
  top?: number;
  /** Shows perflog's own records (module `log_cleaner`) in the table instead of a maintenance section. */
  includeInternal?: boolean;
  /** Names a source other than the files (ClickHouse), for the line under the table. */
  source?: string | undefined;
}

/** `perflog stats` */
export const statsCommand: Command = {
  summary: 'Counts, error rates, duration percentiles and totals per group, from the metric log files or ClickHouse.',
  usage: USAGE,
  async run(args: string[], io: CommandIo): Promise<number> {
    const values = parseFlags(args, FLAGS);
    const format = parseFormat(values.format);
    const groupBy = values['group-by'] === undefined
      ? ['module', 'operation']
      : values['group-by'].split(',').map((field) => field.trim()).filter((field) => field !== '');
    if (values['group-by'] !== undefined && groupBy.length === 0) throw new UsageError('--group-by needs field names, e.g. "module,operation"');
    const top = values.top === undefined ? DEFAULT_TOP : Number(values.top);
    if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top must be a whole number >= 1 (got "${values.top}")`);
    const options = await readOptionsFromFlags(values, io);
    const result = await queryMetrics({ ...options, groupBy });
    if (format === 'json') io.stdout(`${JSON.stringify(result)}\n`);
    else io.stdout(`${renderStats(result, groupBy, { top, includeInternal: values['include-internal'] === true, source: describeSource(values) })}\n`);
    return 0;
  },
};

/**
 * Renders a `queryMetrics` result as the `perflog stats` table, with a line of totals under it. When the groups
 * carry `module`, perflog's own records (`log_cleaner`) go to a maintenance table of their own unless
 * `includeInternal`.
 */
function renderStats(result: QueryResult, groupBy: readonly string[], options: StatsTableOptions = {}): string {
  const summary = options.source !== undefined ? `${formatCount(result.linesRead)} records aggregated in ${options.source}` : `${formatCount(result.linesRead)} lines read from ${formatCount(result.files)} file${result.files === 1 ? '' : 's'}`
    + `, ${formatCount(result.badLines)} bad`;
  const internal = (row: QueryRow): boolean => groupBy.includes('module') && INTERNAL_MODULES.includes(String(row.group['module']));
  const split = options.includeInternal !== true;
  const app = split ? result.rows.filter((row) => !internal(row)) : result.rows;
  const own = split ? result.rows.filter(internal) : [];
  const parts: string[] = [];
  if (app.length > 0) parts.push(table(app, groupBy, options.top ?? DEFAULT_TOP));
  if (own.length > 0) parts.push(`perflog maintenance (module ${INTERNAL_MODULES.join(', ')}; --include-internal shows it above):\n${table(own, groupBy, Infinity)}`);
  if (parts.length === 0) return `No records matched. ${summary}`;
  return `${parts.join('\n\n')}\n\n${summary}`;
}

function table(all: readonly QueryRow[], groupBy: readonly string[], top: number): string {
  const { rows, other } = topRows(all, top);
  const showSize = all.some((row) => row.totals.size > 0);
  const showTokens = all.some((row) => row.totals.total_tokens > 0);
  const header = [...groupBy, 'count', 'errors', 'ok', 'mean', 'p50', 'p95', 'p99', 'max'];
  if (showSize) header.push('size');
  if (showTokens) header.push('tokens');
  const numeric = header.map((_, i) => i >= groupBy.length);
  const cells = (row: QueryRow, names: string[]): string[] => {
    const d = row.duration;
    const out = [
      ...names, formatCount(row.count), formatCount(row.errors), formatPercent(row.successRate),
      formatDuration(d.mean), formatDuration(d.p50), formatDuration(d.p95), formatDuration(d.p99), formatDuration(d.max),
    ];
    if (showSize) out.push(row.totals.size > 0 ? formatBytes(row.totals.size) : '-');
    if (showTokens) out.push(row.totals.total_tokens > 0 ? formatCount(row.totals.total_tokens) : '-');
    return out;
  };
  const lines = rows.map((row) => cells(row, groupBy.map((field) => String(row.group[field] ?? '-'))));
  if (other !== undefined) {
    lines.push(cells(other, groupBy.map((_, i) => (i === 0 ? `other (${formatCount(other.groups)} groups)` : ''))));
  }
  return renderTable(header, lines, numeric);
}
