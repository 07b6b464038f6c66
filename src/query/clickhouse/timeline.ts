/**
 * The report's time series from ClickHouse: per module, operation and time bucket, counts, errors and the duration
 * sketch's bins, computed inside ClickHouse (two queries: the time span, then the buckets). The bins are keyed as
 * perflog's own DDSketch keys them (logarithmic mapping, 1% accuracy, values clamped into `SKETCH_RANGE`), so the
 * buckets' sketches are the ones the files would give.
 */
import type { ResolvedReadOptions } from '../options.js';
import { RELATIVE_ACCURACY, SKETCH_RANGE } from '../sketch.js';
import type { ResolvedClickHouseSource } from './options.js';
import { connect, run } from './source.js';
import { whereClause } from './sql.js';

/** One bucket of one operation, as ClickHouse returns it. */
export interface BucketRow {
  module: string;
  operation: string;
  bucket: number | string;
  count: number | string;
  errors: number | string;
  timed: number | string;
  zeros: number | string;
  /** Sketch keys and their counts (positive values). */
  bins: [(number | string)[], (number | string)[]];
}

/** The span and buckets of the records `options` select, perflog's `internalModules` left out. */
export interface TimelineRows {
  /** First and last timestamp, epoch seconds (ms precision); `null` when no record matched. */
  from: number | null;
  to: number | null;
  bucketSeconds: number;
  rows: BucketRow[];
}

// The multiplier of @datadog/sketches-js's LogarithmicMapping: key(v) = ceil(log2(v) * multiplier).
const GAMMA_MANTISSA = (2 * RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const MULTIPLIER = Math.LN2 / Math.log1p(GAMMA_MANTISSA);

/** Runs the span query, picks the bucket width with `widthFor`, then runs the bucket query. */
export async function queryTimeline(source: ResolvedClickHouseSource, options: ResolvedReadOptions,
  internalModules: readonly string[], widthFor: (from: number, to: number) => number): Promise<TimelineRows> {
  const client = await connect(source);
  try {
    const params: Record<string, string | number> = { database: source.database, table: source.table };
    let where = whereClause(options, params);
    internalModules.forEach((module, i) => {
      params[`internal${i}`] = module;
      where += `\n  AND LogAttributes['module'] != {internal${i}:String}`;
    });
    const from = 'FROM {database:Identifier}.{table:Identifier}';
    const [span] = await run<{ count: number | string; from: number; to: number }>(client, source,
      `SELECT count() AS count, toUnixTimestamp64Milli(min(Timestamp)) / 1000 AS from, toUnixTimestamp64Milli(max(Timestamp)) / 1000 AS to ${from} WHERE ${where}`, params);
    if (span === undefined || Number(span.count) === 0) return { from: null, to: null, bucketSeconds: 1, rows: [] };
    const bucketSeconds = widthFor(span.from, span.to);
    const rows = await run<BucketRow>(client, source, [
      "WITH ifNull(toFloat64OrNull(LogAttributes['duration']), -1) AS duration",
      "SELECT LogAttributes['module'] AS module, Body AS operation,",
      '  intDiv(toUnixTimestamp64Milli(Timestamp), {bucketMillis:Int64}) AS bucket,',
      "  count() AS count, countIf(LogAttributes['success'] = 'false') AS errors,",
      '  countIf(duration >= 0) AS timed, countIf(duration = 0) AS zeros,',
      '  sumMapIf([toInt32(ceil(log2(least(greatest(duration, {minValue:Float64}), {maxValue:Float64})) * {multiplier:Float64}))],',
      '    [toUInt64(1)], duration > 0) AS bins',
      `${from} WHERE ${where}`,
      'GROUP BY module, operation, bucket',
    ].join('\n'), { ...params, bucketMillis: bucketSeconds * 1000, minValue: SKETCH_RANGE.min, maxValue: SKETCH_RANGE.max, multiplier: MULTIPLIER });
    return { from: span.from, to: span.to, bucketSeconds, rows };
  } finally {
    await client.close();
  }
}
