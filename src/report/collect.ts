/**
 * The report's time series, gathered in one streaming pass: per operation of the app (perflog's own records left
 * out), fixed-size buckets of counts, errors and a duration sketch. Buckets are aligned on the epoch and their width grows to the next round width (merging
 * whole buckets) whenever the span would need more than `MAX_BUCKETS`: memory is bounded by groups x buckets,
 * never by records.
 */
import type { ReadOptions } from '../query/options.js';
import { readMetrics } from '../query/reader.js';
import { DurationSketch } from '../query/sketch.js';
import { INTERNAL_MODULES } from './breakdown.js';

/** Most buckets a time series holds. */
export const MAX_BUCKETS = 60;
// Bucket widths in seconds, each a multiple of the one before (so coarsening merges whole buckets): 1 s ... 1 week.
const WIDTHS = [1, 2, 10, 20, 60, 120, 600, 1200, 3600, 7200, 21600, 43200, 86400, 604800];

/** One time bucket of one operation. */
export class Bucket {
  count = 0;
  errors = 0;
  sketch = new DurationSketch();

  merge(other: Bucket): void {
    this.count += other.count;
    this.errors += other.errors;
    this.sketch.merge(other.sketch);
  }
}

/** One `module` + `operation`. */
export interface OperationData {
  readonly module: string;
  readonly operation: string;
  /** Records, and records with a duration. */
  count: number;
  timed: number;
  /** Bucket index (`floor(timestamp / bucketSeconds)`) -> bucket. */
  buckets: Map<number, Bucket>;
}

/** The time series of the report. `from`/`to`: the first and last timestamp (Infinity/-Infinity when none). */
export interface Timeline {
  readonly operations: OperationData[];
  readonly bucketSeconds: number;
  readonly firstBucket: number;
  readonly lastBucket: number;
  readonly linesRead: number;
  readonly badLines: number;
  readonly files: number;
  readonly from: number;
  readonly to: number;
}

/** Reads the records `options` select and gathers the report's time series. */
export async function collectTimeline(options: ReadOptions): Promise<Timeline> {
  const operations = new Map<string, OperationData>();
  let bucketSeconds = 1;
  let first = Infinity;
  let last = -Infinity;
  let from = Infinity;
  let to = -Infinity;
  const reader = readMetrics(options);
  for await (const record of reader) {
    if (INTERNAL_MODULES.includes(record.module)) continue;
    const ts = record.timestamp;
    if (ts < from) from = ts;
    if (ts > to) to = ts;
    let index = Math.floor(ts / bucketSeconds);
    if (index < first) first = index;
    if (index > last) last = index;
    while (last - first + 1 > MAX_BUCKETS) {
      const wider = WIDTHS.find((width) => width > bucketSeconds) ?? bucketSeconds * 2;
      const factor = wider / bucketSeconds;
      bucketSeconds = wider;
      first = Math.floor(first / factor);
      last = Math.floor(last / factor);
      index = Math.floor(index / factor);
      for (const op of operations.values()) op.buckets = coarsen(op.buckets, factor);
    }
    const key = `${record.module}\u0000${record.operation}`;
    let op = operations.get(key);
    if (op === undefined) {
      op = { module: record.module, operation: record.operation, count: 0, timed: 0, buckets: new Map() };
      operations.set(key, op);
    }
    let bucket = op.buckets.get(index);
    if (bucket === undefined) op.buckets.set(index, bucket = new Bucket());
    op.count++;
    bucket.count++;
    if (record.success === false) bucket.errors++;
    if (typeof record.duration === 'number' && record.duration >= 0) {
      op.timed++;
      bucket.sketch.add(record.duration);
    }
  }
  return {
    operations: [...operations.values()], bucketSeconds, firstBucket: first, lastBucket: last,
    linesRead: reader.stats.linesRead, badLines: reader.stats.badLines, files: reader.stats.files, from, to,
  };
}

function coarsen(buckets: Map<number, Bucket>, factor: number): Map<number, Bucket> {
  const merged = new Map<number, Bucket>();
  for (const [index, bucket] of buckets) {
    const half = Math.floor(index / factor);
    const existing = merged.get(half);
    if (existing === undefined) merged.set(half, bucket);
    else existing.merge(bucket);
  }
  return merged;
}
