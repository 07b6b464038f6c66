/**
 * `readMetrics`: streams the records of perflog's files (active, rotated, `.gz`), filtered while they stream.
 */
import type { ReadOptions } from './options.js';
import { resolveReadOptions } from './options.js';
import { RecordIterator } from './record-iterator.js';

/**
 * One record read back (SPEC section 2). Fields besides the ones named here are the module's own and the user's;
 * a line written by something other than perflog may hold any JSON value there.
 */
export interface MetricRecord {
  /** Seconds since the Unix epoch. */
  timestamp: number;
  metric_type?: string;
  operation: string;
  module: string;
  /** Timers: seconds. */
  duration?: number;
  /** Counters and gauges. */
  value?: number;
  size?: number;
  success?: boolean;
  error?: string;
  [field: string]: unknown;
}

/** Counters of a read, final once iteration ends. */
export interface ReadStats {
  /** Every line read, bad ones included. */
  linesRead: number;
  /**
   * Lines that are not a JSON object with a `timestamp` in epoch seconds from 1970 to year 9999 and string `module`
   * and `operation`.
   */
  badLines: number;
  /** Files read. */
  files: number;
}

/** An async iterable of records that also counts lines as it goes. */
export interface MetricReader extends AsyncIterable<MetricRecord> {
  /** Counters so far; final after the loop. */
  readonly stats: Readonly<ReadStats>;
}

/**
 * Reads the records of the files `patterns` match, in order of file (per log: rotated files, then the active one)
 * then line, keeping those that pass the filters. Memory stays bounded (one 1 MiB chunk of lines at a time).
 * Invalid or truncated lines are counted in `stats.badLines` and skipped, never thrown.
 * @throws PerflogConfigError at once for a bad option, e.g. `since: "yesterday"`.
 * @example
 * const reader = readMetrics({ since: '24h', module: 'llm' });
 * for await (const record of reader) console.log(record.operation, record.duration);
 * console.log(reader.stats.badLines);
 */
export function readMetrics(options: ReadOptions = {}): MetricReader {
  const resolved = resolveReadOptions(options);
  const stats: ReadStats = { linesRead: 0, badLines: 0, files: 0 };
  return { stats, [Symbol.asyncIterator]: () => new RecordIterator(resolved, stats) };
}
