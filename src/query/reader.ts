/**
 * `readMetrics`: streams the records of perflog's files (active, rotated, `.gz`), filtered while they stream.
 */
import type { ReadOptions, ResolvedReadOptions } from './options.js';
import { TIMESTAMP_RANGE, resolveReadOptions } from './options.js';
import { isCorrupt, isEndOfFileError, isGzip, lineChunks, splitLines } from './files.js';
import { listFiles } from './list-files.js';
import type { ParsedLine } from './parser.js';
import { parseLine } from './parser.js';

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
 * @internal Whether a parsed line is a record: a `timestamp` in `TIMESTAMP_RANGE`, string `module` and `operation`.
 */
export function isRecord(line: ParsedLine | undefined): line is MetricRecord {
  if (line === undefined) return false;
  const timestamp = line['timestamp'];
  return typeof timestamp === 'number' && timestamp >= TIMESTAMP_RANGE.min && timestamp <= TIMESTAMP_RANGE.max
    && typeof line['module'] === 'string' && typeof line['operation'] === 'string';
}

/** @internal Whether a record passes the time window and equality filters. */
export function matches(record: MetricRecord, options: ResolvedReadOptions): boolean {
  if (record.timestamp < options.since || record.timestamp >= options.until) return false;
  for (const [key, value] of options.where) {
    if (!Object.hasOwn(record, key) || record[key] !== value) return false;
  }
  return true;
}

/**
 * Reads the records of the files `patterns` match, in order of file (per log: rotated files, then the active one)
 * then line, keeping those that pass the filters. Memory stays bounded (one chunk of records at a time).
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
  return {
    stats,
    async *[Symbol.asyncIterator]() {
      const files = await listFiles(resolved.patterns, resolved.baseDir);
      for (const file of files) {
        stats.files++;
        const batch: MetricRecord[] = [];
        const onLine = (buf: Buffer, start: number, end: number): void => {
          stats.linesRead++;
          const line = parseLine(buf, start, end);
          if (!isRecord(line)) stats.badLines++;
          else if (matches(line, resolved)) batch.push(line);
        };
        // One await per chunk of lines, not per line; a chunk's records are handed out before the next is read.
        try {
          for await (const chunk of lineChunks({ path: file.path, start: 0, end: Infinity, gzip: isGzip(file.path) })) {
            splitLines(chunk, onLine);
            yield* batch;
            batch.length = 0;
          }
        } catch (error) {
          if (!isEndOfFileError(error)) throw error;
          if (isCorrupt(error)) { stats.linesRead++; stats.badLines++; }
          yield* batch;
          batch.length = 0;
        }
      }
    },
  };
}
