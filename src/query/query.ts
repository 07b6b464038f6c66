/**
 * `queryMetrics`: counts, error rates, duration percentiles and totals per group, read straight from the files.
 * Large inputs are cut into byte ranges that worker threads and the main thread read at once, merging sketches.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { PerflogConfigError } from '../errors.js';
import type { AggregateState, GroupStats, GroupValue, Running } from './group-stats.js';
import type { AggregateOptions } from './aggregate.js';
import { Aggregator } from './aggregate.js';
import type { FileTask } from './files.js';
import { isGzip, readChunks, splitFile } from './files.js';
import { listFiles } from './list-files.js';
import type { ReadOptions } from './options.js';
import { resolveReadOptions } from './options.js';
import type { QuerySource } from './clickhouse/options.js';
import { resolveClickHouseSource } from './clickhouse/options.js';

/** What `queryMetrics` computes: `ReadOptions` plus the grouping. */
export interface QueryOptions extends ReadOptions {
  /**
   * Record fields to group by (`module`, `operation`, `model`, `provider`, `tool`, ...); `[]` makes one group.
   * @default ["module", "operation"]
   */
  groupBy?: readonly string[] | undefined;
  /**
   * Worker threads reading alongside the main thread. By default none below 128 MB of input, else one per core
   * beyond the first. `0` reads in the main thread only.
   */
  threads?: number | undefined;
  /**
   * The numeric field whose distribution `duration` summarizes: `"size"` gives size percentiles (bytes) in the same
   * shape. @default "duration"
   */
  measure?: string | undefined;
  /**
   * Numeric fields summed into `totals` besides the four SPEC section 8 lists, e.g. `["cached_tokens",
   * "reasoning_tokens"]` (a missing field counts 0). @default []
   */
  sum?: readonly string[] | undefined;
  /**
   * Where the records are: the local files (the default, `patterns`) or a ClickHouse server holding the
   * OpenTelemetry Collector exporter's logs table (SPEC section 12), which computes the answer itself.
   * @example { clickhouse: { url: 'http://clickhouse:8123', database: 'otel', table: 'otel_logs' } }
   */
  source?: QuerySource | undefined;
}

/** Duration statistics of a group, in seconds; `null` when the group has no `duration` (counters, gauges). */
export interface DurationSummary {
  min: number | null;
  mean: number | null;
  /** Percentiles come from a DDSketch: within 1% of the exact value of rank `floor(q * (n - 1))`. */
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** One group of the result. */
export interface QueryRow {
  /** The group's value of each `groupBy` field (`null`: the records have no such field). */
  group: Record<string, GroupValue>;
  /** Records in the group. */
  count: number;
  /** Records with `success: false`. */
  errors: number;
  /** `(count - errors) / count`, in [0, 1]. */
  successRate: number;
  duration: DurationSummary;
  /** Sums over the group's records (a missing field counts 0), plus the fields of the `sum` option. */
  totals: { size: number; prompt_tokens: number; completion_tokens: number; total_tokens: number; [field: string]: number };
  /**
   * Only on groups holding `llm_call` records: `time_to_first_token` statistics (seconds) of the streamed calls, or
   * `null` when none was streamed.
   */
  timeToFirstToken?: DurationSummary | null;
  /**
   * Only on groups holding `llm_call` records: p50 of `completion_tokens / (duration - time_to_first_token)` over
   * streamed calls (tokens per second, within 1%), or `null`.
   */
  outputTokensPerSecond?: number | null;
}

/** The answer of `queryMetrics` (SPEC section 8); also what `perflog stats --format json` prints. */
export interface QueryResult {
  /** One row per group, ordered by the group values. */
  rows: QueryRow[];
  /** Every line read, bad ones included. */
  linesRead: number;
  /** Invalid or truncated lines (skipped). */
  badLines: number;
  /** Files read. */
  files: number;
}

/** Input size from which worker threads are used by default. */
export const PARALLEL_THRESHOLD_BYTES = 128 * 1024 * 1024;
/** @internal Size of the byte ranges files are cut into for workers (tests make it small). */
export const tuning = { pieceBytes: 16 * 1024 * 1024 };

/**
 * Aggregates the records the options select, grouped by `groupBy`. Streams; memory grows with the number of
 * groups, not of records. Bad lines are counted in `badLines`, never thrown.
 * @throws PerflogConfigError for a bad option (`since: "yesterday"`, `groupBy: "module"`).
 * @example
 * const { rows } = await queryMetrics({ since: '7d', module: 'checkpoint', groupBy: ['operation'] });
 * for (const row of rows) console.log(row.group.operation, row.count, row.duration.p95);
 */
export async function queryMetrics(options: QueryOptions = {}): Promise<QueryResult> {
  const groupBy = options.groupBy ?? ['module', 'operation'];
  if (!Array.isArray(groupBy) || !groupBy.every((field) => typeof field === 'string' && field !== '')) {
    throw new PerflogConfigError('groupBy', 'an array of field names', groupBy);
  }
  const threadsOption = options.threads;
  if (threadsOption !== undefined && (!Number.isInteger(threadsOption) || threadsOption < 0)) {
    throw new PerflogConfigError('threads', 'an integer >= 0', threadsOption);
  }
  for (const [key, value] of [['measure', options.measure], ['sum', options.sum]] as const) {
    const fields = key === 'measure' ? [value ?? 'duration'] : value ?? [];
    if (!Array.isArray(fields) || !fields.every((field) => typeof field === 'string' && field !== '')) {
      throw new PerflogConfigError(key, key === 'measure' ? 'a field name' : 'an array of field names', value);
    }
  }
  const resolved: AggregateOptions = { ...resolveReadOptions(options), measure: options.measure, sum: options.sum?.slice() };
  if (options.source !== undefined) {
    const source = resolveClickHouseSource(options.source);
    // Loaded on first use: the ClickHouse client is an optional peer dependency.
    return (await import('./clickhouse/source.js')).queryClickHouse(source, resolved, groupBy);
  }
  const files = await listFiles(resolved.patterns, resolved.baseDir);
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  const threads = threadsOption ?? (totalBytes >= PARALLEL_THRESHOLD_BYTES ? availableParallelism() - 1 : 0);
  const aggregator = new Aggregator(resolved, groupBy);
  const tasks: FileTask[] = [];
  const queue = tasks.values();
  // Workers boot (~50-300 ms) while the files are cut into ranges; they pull their first task once booted.
  let markReady = (): void => undefined;
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  const readers = Array.from({ length: threads }, () => runWorker(queue, ready, resolved, groupBy, aggregator));
  try {
    for (const file of files) {
      const gzip = isGzip(file.path);
      const piece = tuning.pieceBytes;
      if (threads === 0 || gzip || file.size < 2 * piece) tasks.push({ path: file.path, start: 0, end: Infinity, gzip });
      else tasks.push(...await splitFile(file.path, file.size, Math.ceil(file.size / piece)));
    }
  } catch (error) {
    markReady();
    await Promise.allSettled(readers);
    throw error;
  }
  markReady();
  readers.push(drain(queue, aggregator));
  await Promise.all(readers);
  return toResult(aggregator, groupBy, files.length, options.sum ?? []);
}

/** Reads tasks off the shared queue in this thread. */
async function drain(queue: Iterator<FileTask>, aggregator: Aggregator): Promise<void> {
  for (let next = queue.next(); next.done !== true; next = queue.next()) {
    if (await readChunks(next.value, aggregator.chunk)) aggregator.corrupt();
  }
}

/** A worker reads tasks off the same queue, one at a time, and hands back its aggregate at the end. */
function runWorker(queue: Iterator<FileTask>, ready: Promise<void>, options: AggregateOptions,
  groupBy: readonly string[], aggregator: Aggregator): Promise<void> {
  const source = import.meta.url.endsWith('.ts');
  const url = new URL(source ? './query-worker.ts' : './query-worker.js', import.meta.url);
  // Compiled, the worker is plain JS and boots fastest without the app's flags (preloaded instrumentation, loaders).
  // From TypeScript sources (tests, benchmarks) it needs the same loader as this thread, and only that.
  const execArgv = source ? loaderExecArgv(process.execArgv) : [];
  const worker = new Worker(url, { workerData: { options, groupBy }, execArgv });
  return new Promise<void>((resolve, reject) => {
    // A worker that fails before taking a task (a loader that does not reach workers) costs nothing: the main
    // thread reads its share. One that fails after taking a task has lost lines: the query fails.
    let tookTask = false;
    let settled = false;
    const settle = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      if (error === undefined || !tookTask) resolve(); else reject(error instanceof Error ? error : new Error('query worker failed'));
    };
    worker.on('message', (message: { type: 'next' } | { type: 'state'; state: AggregateState }) => {
      if (message.type === 'state') {
        aggregator.mergeState(message.state);
        void worker.terminate();
        settle();
        return;
      }
      void ready.then(() => {
        const next = queue.next();
        if (next.done !== true) tookTask = true;
        worker.postMessage(next.done === true ? { type: 'done' } : { type: 'task', task: next.value });
      });
    });
    worker.on('error', settle);
    worker.on('exit', (code) => settle(new Error(`query worker exited with code ${code}`)));
  });
}

// Flags that bring a loader (and its value); every other flag stays in this thread: a worker refuses process-wide
// ones (`--expose-gc`, `--max-old-space-size`) with ERR_WORKER_INVALID_EXEC_ARGV.
const LOADER_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C']);

/** @internal The loader flags of `execArgv` (with `tsx` added when missing): what a worker on the TS sources needs. */
export function loaderExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    const eq = arg.indexOf('=');
    if (!LOADER_FLAGS.has(eq < 0 ? arg : arg.slice(0, eq))) continue;
    kept.push(arg);
    if (eq < 0 && i + 1 < execArgv.length) kept.push(execArgv[++i]!);
  }
  return kept.some((arg) => arg.includes('tsx')) ? kept : [...kept, '--import', 'tsx'];
}

function toResult(aggregator: Aggregator, groupBy: readonly string[], files: number, sum: readonly string[]): QueryResult {
  const rows = [...aggregator.groups()].map(([key, stats]) => toRow(groupBy, key, stats, sum));
  rows.sort((a, b) => compareGroups(groupBy, a.group, b.group));
  return { rows, linesRead: aggregator.linesRead, badLines: aggregator.badLines, files };
}

function toRow(groupBy: readonly string[], key: GroupValue[], stats: GroupStats, sum: readonly string[]): QueryRow {
  // Object.fromEntries defines own properties: a field named "__proto__" stays a plain key.
  const group = Object.fromEntries(groupBy.map((field, i) => [field, key[i] ?? null])) as Record<string, GroupValue>;
  const [size, prompt, completion, total] = stats.totals;
  const totals: QueryRow['totals'] = { size: size ?? 0, prompt_tokens: prompt ?? 0, completion_tokens: completion ?? 0, total_tokens: total ?? 0 };
  sum.forEach((field, i) => { Object.defineProperty(totals, field, { value: stats.totals[4 + i] ?? 0, enumerable: true, writable: true, configurable: true }); });
  const row: QueryRow = {
    group,
    count: stats.count,
    errors: stats.errors,
    successRate: stats.count === 0 ? 1 : (stats.count - stats.errors) / stats.count,
    duration: summarize(stats.duration),
    totals,
  };
  if (stats.llmCalls > 0) {
    const ttft = stats.ttft;
    row.timeToFirstToken = ttft === undefined ? null : summarize(ttft);
    row.outputTokensPerSecond = stats.rates === undefined ? null : stats.rates.quantile(0.5);
  }
  return row;
}

/** Min, mean, percentiles (clamped to the exact min and max) and max; all `null` when there is no value. */
function summarize({ count, sum, min, max, sketch }: Running): DurationSummary {
  const has = count > 0;
  const at = (q: number): number | null => (has ? Math.min(max, Math.max(min, sketch.quantile(q))) : null);
  return { min: has ? min : null, mean: has ? sum / count : null, p50: at(0.5), p90: at(0.9), p95: at(0.95), p99: at(0.99), max: has ? max : null };
}

/** @internal Orders rows by their group values: numbers numerically, strings by code unit, `null` last. */
export function compareGroups(groupBy: readonly string[], a: Record<string, GroupValue>, b: Record<string, GroupValue>): number {
  for (const field of groupBy) {
    const x = a[field] ?? null;
    const y = b[field] ?? null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
  }
  return 0;
}
