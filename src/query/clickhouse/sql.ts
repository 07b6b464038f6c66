/**
 * The one SQL query that answers a `queryMetrics` question inside ClickHouse, over the OpenTelemetry Collector
 * `clickhouse` exporter's logs table: perflog's fields are strings in `LogAttributes`, the operation is also `Body`.
 * Every user value (time bounds, filter keys and values, group-by field names, database, table) is a bound
 * parameter `{name:Type}`; the SQL text is the same for every value.
 */
import { PERFLOG_SCOPE_NAME } from '../../record-attributes.js';
import type { AggregateOptions } from '../aggregate.js';
import type { ResolvedReadOptions } from '../options.js';

/** A query and its bound parameters. */
export interface BoundQuery {
  readonly query: string;
  readonly params: Record<string, string | number>;
}

/** Quantiles asked of `quantilesDD`, in the order of `DurationSummary`. */
export const QUANTILES = [0.5, 0.9, 0.95, 0.99] as const;
/**
 * `quantilesDD`'s relative accuracy. Asked for 0.01, ClickHouse 26 returns values up to 3% off the exact rank
 * (upward: a bucket bound, not its middle); at 0.0025 they stay within 0.75%, which keeps the 1% promise of the
 * local sketch. Buckets grow as 1/accuracy: a few thousand per group at most, merged inside ClickHouse.
 */
const ACCURACY = 0.0025;
const TOTALS = ['size', 'prompt_tokens', 'completion_tokens', 'total_tokens'] as const;
// DateTime holds seconds up to 2106; Int64 nanoseconds up to 2262: bounds outside are clamped.
const MAX_SECONDS = 4_294_967_295;

/** Builds the aggregation query of `queryMetrics`: one row per group, every figure of a `QueryRow`. */
export function buildQuery(options: AggregateOptions, groupBy: readonly string[]): BoundQuery {
  const params: Record<string, string | number> = { measure: options.measure ?? 'duration' };
  const where = whereClause(options, params);
  const groups = groupBy.map((field, i) => {
    if (field === 'operation') return `Body AS group${i}`;
    params[`groupKey${i}`] = field;
    // Nullable: a record without the field is its own group, null, as in the files.
    return `if(mapContains(LogAttributes, {groupKey${i}:String}), LogAttributes[{groupKey${i}:String}], NULL) AS group${i}`;
  });
  const quantiles = `quantilesDDIf(${ACCURACY}, ${QUANTILES.join(', ')})`;
  const select = [
    ...groups,
    'count() AS count',
    "countIf(LogAttributes['success'] = 'false') AS errors",
    'countIf(duration >= 0) AS durationCount',
    'sumIf(duration, duration >= 0) AS durationSum',
    'minIf(duration, duration >= 0) AS durationMin',
    'maxIf(duration, duration >= 0) AS durationMax',
    `${quantiles}(duration, duration >= 0) AS durationQuantiles`,
    ...TOTALS.map((field) => `sum(toFloat64OrZero(LogAttributes['${field}'])) AS ${field}`),
    ...(options.sum ?? []).map((field, i) => {
      params[`sumKey${i}`] = field;
      return `sum(toFloat64OrZero(LogAttributes[{sumKey${i}:String}])) AS sum${i}`;
    }),
    "countIf(Body = 'llm_call') AS llmCalls",
    'countIf(ttft >= 0) AS ttftCount',
    'sumIf(ttft, ttft >= 0) AS ttftSum',
    'minIf(ttft, ttft >= 0) AS ttftMin',
    'maxIf(ttft, ttft >= 0) AS ttftMax',
    `${quantiles}(ttft, ttft >= 0) AS ttftQuantiles`,
    'countIf(streamed) AS streamedCount',
    `quantileDDIf(${ACCURACY}, 0.5)(toFloat64OrZero(LogAttributes['completion_tokens']) / (duration - ttft), streamed) AS outputTokensPerSecond`,
  ];
  const query = [
    // The measured field (`duration` unless `measure` says otherwise); missing or non-numeric reads as -1, below
    // every real value (>= 0).
    'WITH ifNull(toFloat64OrNull(LogAttributes[{measure:String}]), -1) AS duration,',
    // Streaming figures come from llm_call records only, as in the files.
    "  if(Body = 'llm_call', ifNull(toFloat64OrNull(LogAttributes['time_to_first_token']), -1), -1) AS ttft,",
    "  ttft >= 0 AND duration > ttft AND isNotNull(toFloat64OrNull(LogAttributes['completion_tokens'])) AS streamed",
    `SELECT ${select.join(',\n  ')}`,
    'FROM {database:Identifier}.{table:Identifier}',
    `WHERE ${where}`,
    groups.length === 0 ? '' : `GROUP BY ${groupBy.map((_, i) => `group${i}`).join(', ')}`,
  ].join('\n');
  return { query, params };
}

/**
 * The WHERE clause of every query: `TimestampTime` first (the table's primary key after `ServiceName`, and its
 * partition key), then the exact `Timestamp`, perflog's scope and the equality filters; their values go to `params`.
 */
export function whereClause(options: ResolvedReadOptions, params: Record<string, string | number>): string {
  params['scope'] = PERFLOG_SCOPE_NAME;
  const where: string[] = [];
  if (options.since > 0) {
    const since = Math.min(options.since, MAX_SECONDS);
    params['sinceSeconds'] = Math.floor(since);
    params['sinceNanos'] = nanos(since);
    where.push('TimestampTime >= toDateTime({sinceSeconds:UInt32})', 'Timestamp >= fromUnixTimestamp64Nano({sinceNanos:Int64})');
  }
  if (options.until < MAX_SECONDS) {
    const until = Math.max(options.until, 0);
    params['untilSeconds'] = Math.floor(until);
    params['untilNanos'] = nanos(until);
    where.push('TimestampTime <= toDateTime({untilSeconds:UInt32})', 'Timestamp < fromUnixTimestamp64Nano({untilNanos:Int64})');
  }
  where.push('ScopeName = {scope:String}');
  options.where.forEach(([key, value], i) => {
    params[`whereValue${i}`] = typeof value === 'number' ? value : String(value);
    if (key === 'operation' && typeof value === 'string') {
      where.push(`Body = {whereValue${i}:String}`);
      return;
    }
    params[`whereKey${i}`] = key;
    const field = `LogAttributes[{whereKey${i}:String}]`;
    if (typeof value === 'number') where.push(`toFloat64OrNull(${field}) = {whereValue${i}:Float64}`);
    else if (value === '') where.push(`mapContains(LogAttributes, {whereKey${i}:String}) AND ${field} = ''`);
    else where.push(`${field} = {whereValue${i}:String}`);
  });
  return where.join('\n  AND ');
}

/** Epoch seconds as integer nanoseconds, in decimal (exact to the microsecond). */
function nanos(seconds: number): string {
  return (BigInt(Math.round(seconds * 1e6)) * 1000n).toString();
}
