/**
 * `perflog report`: writes a self-contained HTML page (latency percentiles, throughput and errors over time, nodes,
 * tools, models, checkpoints, errors, perflog's own maintenance) from the metric log files.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { collectTimeline } from '../report/collect.js';
import { collectClickHouseTimeline } from '../report/clickhouse-timeline.js';
import { runReportQueries } from '../report/gather.js';
import { appRows, renderReport } from '../report/html.js';
import type { Command, CommandIo } from './args.js';
import { FILTER_FLAGS, parseFlags, readOptionsFromFlags, readPricesFlag } from './args.js';
import { formatCount } from '../report/format.js';
import { describeSource } from './clickhouse-flags.js';

const USAGE = 'perflog report [--dir logs] [--pattern GLOB]... [--clickhouse URL [--database otel] [--table otel_logs]] [--module M] [--operation O] [--since 24h|7d|ISO] '
  + '[--until ..] [--title TEXT] [--prices prices.json] [--out <dir>/report.html]';

const FLAGS = { ...FILTER_FLAGS, title: { type: 'string' }, out: { type: 'string' }, prices: { type: 'string' } } as const;

/** `perflog report` */
export const reportCommand: Command = {
  summary: 'Writes a self-contained HTML report (inline SVG charts, no network) of the metric log files or ClickHouse.',
  usage: USAGE,
  async run(args: string[], io: CommandIo): Promise<number> {
    const values = parseFlags(args, FLAGS);
    const options = await readOptionsFromFlags(values, io);
    const prices = await readPricesFlag(values.prices, io);
    const queries = await runReportQueries(options);
    const timeline = options.source === undefined ? await collectTimeline(options) : await collectClickHouseTimeline({ ...options, source: options.source });
    const source = describeSource(values)
      ?? (values.pattern !== undefined && values.dir === undefined ? values.pattern.join(', ') : values.dir ?? 'logs');
    const html = renderReport({ queries, timeline, prices }, { title: values.title ?? 'perflog report', generatedAt: new Date(), source });
    const fallback = (values.pattern !== undefined || values.clickhouse !== undefined) && values.dir === undefined
      ? 'report.html' : join(values.dir ?? 'logs', 'report.html');
    const out = resolve(io.cwd, values.out === undefined || values.out === '' ? fallback : values.out);
    await writeReplacing(out, html);
    const shown = relative(io.cwd, out) || out;
    const app = appRows(queries.operations.rows);
    io.stdout(`Wrote ${shown} (${formatCount(app.reduce((sum, row) => sum + row.count, 0))} records, ${formatCount(app.length)} operations)\n`);
    return 0;
  },
};

/**
 * Writes `path` through a new file renamed over it: a symlink at `path` is replaced, never written through (a link
 * planted in a shared folder cannot make the report overwrite its target), and a reader never sees half a page.
 */
async function writeReplacing(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path).slice(0, 200)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text, { flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
