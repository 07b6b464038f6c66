/**
 * The report's time series when the records are in ClickHouse: the same `Timeline` as `collectTimeline` gives for
 * the files (same bucket widths, same sketches), computed inside ClickHouse.
 */
import { resolveClickHouseSource } from '../query/clickhouse/options.js';
import type { QuerySource } from '../query/clickhouse/options.js';
import type { ReadOptions } from '../query/options.js';
import { resolveReadOptions } from '../query/options.js';
import { DurationSketch } from '../query/sketch.js';
import { INTERNAL_MODULES } from './breakdown.js';
import type { OperationData, Timeline } from './collect.js';
import { Bucket, MAX_BUCKETS, WIDTHS } from './collect.js';

/** Gathers the time series of the records `options` select from `options.source`. */
export async function collectClickHouseTimeline(options: ReadOptions & { source: QuerySource }): Promise<Timeline> {
  const source = resolveClickHouseSource(options.source);
  const { queryTimeline } = await import('../query/clickhouse/timeline.js');
  const result = await queryTimeline(source, resolveReadOptions(options), INTERNAL_MODULES, bucketWidth);
  const operations = new Map<string, OperationData>();
  let linesRead = 0;
  for (const row of result.rows) {
    const key = `${row.module}\u0000${row.operation}`;
    let op = operations.get(key);
    if (op === undefined) operations.set(key, op = { module: row.module, operation: row.operation, count: 0, timed: 0, buckets: new Map() });
    const bucket = new Bucket();
    bucket.count = Number(row.count);
    bucket.errors = Number(row.errors);
    bucket.sketch = DurationSketch.fromState({ zeroCount: Number(row.zeros), keys: row.bins[0].map(Number), counts: row.bins[1].map(Number) });
    op.buckets.set(Number(row.bucket), bucket);
    op.count += bucket.count;
    op.timed += Number(row.timed);
    linesRead += bucket.count;
  }
  const { from, to, bucketSeconds } = result;
  return {
    operations: [...operations.values()], bucketSeconds,
    firstBucket: from === null ? Infinity : Math.floor(from / bucketSeconds),
    lastBucket: to === null ? -Infinity : Math.floor(to / bucketSeconds),
    linesRead, badLines: 0, files: 0, from: from ?? Infinity, to: to ?? -Infinity,
  };
}

/** The width `collectTimeline` ends with for a span: the first that fits it in `MAX_BUCKETS`, then doubling. */
function bucketWidth(from: number, to: number): number {
  const fits = (width: number): boolean => Math.floor(to / width) - Math.floor(from / width) + 1 <= MAX_BUCKETS;
  let width = WIDTHS.find(fits) ?? WIDTHS[WIDTHS.length - 1]!;
  while (!fits(width)) width *= 2;
  return width;
}
