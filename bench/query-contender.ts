/**
 * One contender of `bench/query.bench.ts`, run in its own process so its peak RSS is its own:
 * `node --import tsx bench/query-contender.ts <perflog|perflog-1thread|duckdb|readline> <file> [dist/query/query.js]`.
 * Prints one JSON line: `{ seconds, groups, rows }` (rows: module/operation -> count, p95) for the cross-check.
 */
import { DDSketch } from '@datadog/sketches-js';
import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { queryMetrics as QueryMetrics } from '../src/query/query.js';

type Summary = Record<string, { count: number; p95: number | null }>;

const [name, file, dist] = process.argv.slice(2);
if (name === undefined || file === undefined) throw new Error('usage: query-contender.ts <name> <file> [compiled query.js]');
// perflog as shipped (compiled JS) when the benchmark built it; else from the TypeScript sources.
const { queryMetrics } = await import(dist ?? '../src/query/query.js') as { queryMetrics: typeof QueryMetrics };

async function perflog(threads?: number): Promise<Summary> {
  const result = await queryMetrics({ patterns: [file!], groupBy: ['module', 'operation'], threads });
  return Object.fromEntries(result.rows.map((r) => [`${r.group['module']}/${r.group['operation']}`, { count: r.count, p95: r.duration.p95 }]));
}

/** DuckDB's module load, instance and connection: set up before the clock starts, as perflog's import is. */
async function duckdbSetup(): Promise<() => Promise<Summary>> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  return () => duckdb(instance, connection);
}

async function duckdb(instance: DuckDBInstance, connection: DuckDBConnection): Promise<Summary> {
  const reader = await connection.runAndReadAll(`
    SELECT module, operation, count(*) AS count, count(*) FILTER (WHERE success = false) AS errors,
      min(duration) AS min, avg(duration) AS mean, quantile_cont(duration, [0.5, 0.9, 0.95, 0.99]) AS q, max(duration) AS max,
      sum(size) AS size, sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens, sum(total_tokens) AS total_tokens
    FROM read_json('${file!.replace(/'/g, "''")}', format = 'newline_delimited', ignore_errors = true)
    GROUP BY module, operation ORDER BY module, operation`);
  const rows = reader.getRowObjectsJS() as { module: string; operation: string; count: bigint | number; q: (number | null)[] | null }[];
  connection.closeSync();
  instance.closeSync();
  return Object.fromEntries(rows.map((r) => [`${r.module}/${r.operation}`, { count: Number(r.count), p95: r.q?.[2] ?? null }]));
}

async function readline(): Promise<Summary> {
  const groups = new Map<string, { count: number; errors: number; sum: number; min: number; max: number; sketch: DDSketch; totals: number[] }>();
  const lines = createInterface({ input: createReadStream(file!), crlfDelay: Infinity });
  for await (const line of lines) {
    let record: Record<string, unknown>;
    try { record = JSON.parse(line) as Record<string, unknown>; } catch { continue; }
    const key = `${String(record['module'])}/${String(record['operation'])}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, g = { count: 0, errors: 0, sum: 0, min: Infinity, max: -Infinity, sketch: new DDSketch(), totals: [0, 0, 0, 0] });
    g.count++;
    if (record['success'] === false) g.errors++;
    const d = record['duration'];
    if (typeof d === 'number') { g.sum += d; g.min = Math.min(g.min, d); g.max = Math.max(g.max, d); g.sketch.accept(d); }
    ['size', 'prompt_tokens', 'completion_tokens', 'total_tokens'].forEach((f, i) => { const v = record[f]; if (typeof v === 'number') g.totals[i]! += v; });
  }
  return Object.fromEntries([...groups].map(([k, g]) => [k, { count: g.count, p95: g.sketch.count > 0 ? g.sketch.getValueAtQuantile(0.95) : null }]));
}

// Timed alike: module load and engine setup before the clock (perflog's import above, DuckDB's in duckdbSetup);
// reading, parsing, aggregating and returning the rows inside it.
const run = name === 'perflog' ? () => perflog()
  : name === 'perflog-1thread' ? () => perflog(0)
    : name === 'duckdb' ? await duckdbSetup()
      : name === 'readline' ? () => readline()
        : undefined;
if (run === undefined) throw new Error(`unknown contender ${name}`);
const start = performance.now();
const rows = await run();
const seconds = (performance.now() - start) / 1000;
process.stdout.write(`${JSON.stringify({ seconds, rows, maxRssKb: process.resourceUsage().maxRSS })}\n`);
