/**
 * `perflog report`: writes a self-contained HTML page of charts (latency percentiles, throughput and errors over
 * time, tokens per model and provider, slowest operations) from the metric log files.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { collectReportData } from '../report/collect.js';
import { renderReport } from '../report/html.js';
import type { Command, CommandIo } from './args.js';
import { UsageError, parseFlags } from './args.js';
import { formatCount } from './format.js';
import { FILTER_FLAGS, readOptionsFromFlags } from './stats-command.js';

const USAGE = 'perflog report [--dir logs] [--pattern GLOB]... [--module M] [--operation O] [--since 24h|7d|ISO] '
  + '[--until ..] [--title TEXT] --out report.html';

const FLAGS = { ...FILTER_FLAGS, title: { type: 'string' }, out: { type: 'string' } } as const;

/** `perflog report` */
export const reportCommand: Command = {
  summary: 'Writes a self-contained HTML report (inline SVG charts, no network) of the metric log files.',
  usage: USAGE,
  async run(args: string[], io: CommandIo): Promise<number> {
    const values = parseFlags(args, FLAGS);
    if (values.out === undefined || values.out === '') throw new UsageError('--out FILE is required');
    const options = await readOptionsFromFlags(values, io);
    const data = await collectReportData(options);
    const source = values.pattern !== undefined && values.dir === undefined ? values.pattern.join(', ') : values.dir ?? 'logs';
    const html = renderReport(data, { title: values.title ?? 'perflog report', generatedAt: new Date(), source });
    const out = resolve(io.cwd, values.out);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, html);
    const shown = relative(io.cwd, out) || out;
    io.stdout(`Wrote ${shown} (${formatCount(data.operations.reduce((sum, op) => sum + op.stats.count, 0))} records, `
      + `${formatCount(data.operations.length)} operations)\n`);
    return 0;
  },
};
