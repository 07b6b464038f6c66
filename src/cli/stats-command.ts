/**
 * `perflog stats`: `queryMetrics` from the command line, as an aligned table or the result as JSON.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import fg from 'fast-glob';
import { PerflogConfigError } from '../errors.js';
import type { QueryOptions, QueryResult } from '../query/query.js';
import { queryMetrics } from '../query/query.js';
import { TIME_BOUND_FORMS, parseTimeBound } from '../query/options.js';
import type { Command, CommandIo } from './args.js';
import { UsageError, parseFlags, parseFormat } from './args.js';
import { formatBytes, formatCount, formatDuration, formatPercent, renderTable } from './format.js';
import { CLICKHOUSE_FLAGS, sourceFromFlags } from './clickhouse-flags.js';

const USAGE = 'perflog stats [--dir logs] [--pattern GLOB]... [--clickhouse URL [--database otel] [--table otel_logs]] '
  + '[--module M] [--operation O] [--since 24h|7d|ISO] [--until ..] [--group-by module,operation] [--format table|json]';

/** @internal The file and filter flags `stats` and `report` share; `readOptionsFromFlags` reads them. */
export const FILTER_FLAGS = {
  dir: { type: 'string' },
  pattern: { type: 'string', multiple: true },
  module: { type: 'string' },
  operation: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  ...CLICKHOUSE_FLAGS,
} as const;

const FLAGS = { ...FILTER_FLAGS, 'group-by': { type: 'string' }, format: { type: 'string' } } as const;

/**
 * @internal Turns the shared file and filter flags (`--dir`, `--pattern`, `--module`, `--operation`, `--since`,
 * `--until`) into query options; a bad value is a `UsageError` naming the flag.
 */
export async function readOptionsFromFlags(values: { dir?: string | undefined; pattern?: string[] | undefined;
  module?: string | undefined; operation?: string | undefined; since?: string | undefined; until?: string | undefined;
  clickhouse?: string | undefined; database?: string | undefined; table?: string | undefined },
io: CommandIo): Promise<QueryOptions> {
  const source = sourceFromFlags(values);
  const patterns = [...(values.pattern ?? [])];
  if (source === undefined && (values.dir !== undefined || patterns.length === 0)) {
    const dir = resolve(io.cwd, values.dir ?? 'logs');
    const info = await stat(dir).catch(() => undefined);
    if (info === undefined || !info.isDirectory()) throw new UsageError(`--dir ${values.dir ?? 'logs'}: no such directory`);
    const base = fg.convertPathToPattern(dir);
    patterns.push(`${base}/*.log`, `${base}/*.log.*`);
  }
  for (const flag of ['since', 'until'] as const) {
    const value = values[flag];
    if (value === undefined) continue;
    try {
      parseTimeBound(value, `--${flag}`);
    } catch (error) {
      if (error instanceof PerflogConfigError) throw new UsageError(`--${flag} must be ${TIME_BOUND_FORMS.replace('a Date, ', '')} (got "${value}")`);
      throw error;
    }
  }
  const filters = { module: values.module, operation: values.operation, since: values.since, until: values.until };
  return source === undefined ? { patterns, baseDir: io.cwd, ...filters } : { source, ...filters };
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
    const options = await readOptionsFromFlags(values, io);
    const result = await queryMetrics({ ...options, groupBy });
    if (format === 'json') io.stdout(`${JSON.stringify(result)}\n`);
    else io.stdout(`${renderStats(result, groupBy, options.source === undefined ? undefined : describeSource(values))}\n`);
    return 0;
  },
};

/** Where a ClickHouse source's records came from, for the line under the table (no credentials). */
function describeSource(values: { clickhouse?: string | undefined; database?: string | undefined; table?: string | undefined }): string {
  const url = new URL(values.clickhouse ?? '');
  url.username = '';
  url.password = '';
  return `ClickHouse ${url.href.replace(/\/$/, '')}, table ${values.database ?? 'otel'}.${values.table ?? 'otel_logs'}`;
}

/**
 * Renders a `queryMetrics` result as the `perflog stats` table, with a line of totals under it; `source` names a
 * source other than the files.
 */
export function renderStats(result: QueryResult, groupBy: readonly string[], source?: string): string {
  const showSize = result.rows.some((row) => row.totals.size > 0);
  const showTokens = result.rows.some((row) => row.totals.total_tokens > 0);
  const header = [...groupBy, 'count', 'errors', 'ok', 'mean', 'p50', 'p95', 'p99', 'max'];
  if (showSize) header.push('size');
  if (showTokens) header.push('tokens');
  const numeric = header.map((_, i) => i >= groupBy.length);
  const rows = result.rows.map((row) => {
    const d = row.duration;
    const cells = [
      ...groupBy.map((field) => String(row.group[field] ?? '-')),
      formatCount(row.count), formatCount(row.errors), formatPercent(row.successRate),
      formatDuration(d.mean), formatDuration(d.p50), formatDuration(d.p95), formatDuration(d.p99), formatDuration(d.max),
    ];
    if (showSize) cells.push(row.totals.size > 0 ? formatBytes(row.totals.size) : '-');
    if (showTokens) cells.push(row.totals.total_tokens > 0 ? formatCount(row.totals.total_tokens) : '-');
    return cells;
  });
  const summary = source !== undefined ? `${formatCount(result.linesRead)} records aggregated in ${source}` : `${formatCount(result.linesRead)} lines read from ${formatCount(result.files)} file${result.files === 1 ? '' : 's'}`
    + `, ${formatCount(result.badLines)} bad`;
  if (rows.length === 0) return `No records matched. ${summary}`;
  return `${renderTable(header, rows, numeric)}\n\n${summary}`;
}
