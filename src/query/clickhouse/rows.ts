/**
 * Turns the rows ClickHouse returns for `buildQuery` into `queryMetrics` rows (SPEC section 8 shape). The exporter
 * stores every attribute as a string: group values of perflog's own numeric and boolean fields get their type back.
 */
import type { GroupValue } from '../group-stats.js';
import type { DurationSummary, QueryRow } from '../query.js';
import { compareGroups } from '../query.js';

/** One row of the aggregation query; 64-bit counts may arrive as strings. */
export interface AggregateRow {
  [group: `group${number}`]: string | null;
  count: number | string;
  errors: number | string;
  durationCount: number | string;
  durationSum: number | null;
  durationMin: number | null;
  durationMax: number | null;
  durationQuantiles: (number | null)[];
  size: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  llmCalls: number | string;
  ttftCount: number | string;
  ttftSum: number | null;
  ttftMin: number | null;
  ttftMax: number | null;
  ttftQuantiles: (number | null)[];
  streamedCount: number | string;
  outputTokensPerSecond: number | null;
  [sum: `sum${number}`]: number;
}

const NUMBER_FIELDS = new Set(['timestamp', 'duration', 'value', 'size', 'prompt_tokens', 'completion_tokens', 'total_tokens',
  'time_to_first_token']);

/** The rows of the result, ordered by their group values as the file source orders them. */
export function toRows(rows: readonly AggregateRow[], groupBy: readonly string[], sum: readonly string[] = []): QueryRow[] {
  const result = rows.filter((row) => Number(row.count) > 0).map((row) => toRow(row, groupBy, sum));
  return result.sort((a, b) => compareGroups(groupBy, a.group, b.group));
}

function toRow(row: AggregateRow, groupBy: readonly string[], sum: readonly string[]): QueryRow {
  const count = Number(row.count);
  const errors = Number(row.errors);
  // Object.fromEntries defines own properties: a field named "__proto__" stays a plain key.
  const group = Object.fromEntries(groupBy.map((field, i) => [field, typed(field, row[`group${i}`] ?? null)])) as Record<string, GroupValue>;
  const totals: QueryRow['totals'] = { size: row.size, prompt_tokens: row.prompt_tokens, completion_tokens: row.completion_tokens,
    total_tokens: row.total_tokens };
  // defineProperty: a field named "__proto__" stays a plain key, as in the files' rows.
  sum.forEach((field, i) => { Object.defineProperty(totals, field, { value: row[`sum${i}`], enumerable: true, writable: true, configurable: true }); });
  const result: QueryRow = {
    group,
    count,
    errors,
    successRate: count === 0 ? 1 : (count - errors) / count,
    duration: summary(Number(row.durationCount), row.durationSum, row.durationMin, row.durationMax, row.durationQuantiles),
    totals,
  };
  if (Number(row.llmCalls) > 0) {
    const ttftCount = Number(row.ttftCount);
    result.timeToFirstToken = ttftCount === 0 ? null : summary(ttftCount, row.ttftSum, row.ttftMin, row.ttftMax, row.ttftQuantiles);
    result.outputTokensPerSecond = Number(row.streamedCount) === 0 ? null : row.outputTokensPerSecond;
  }
  return result;
}

/** min, mean, percentiles (clamped into [min, max], as the local sketch's are) and max; all null without values. */
function summary(n: number, sum: number | null, min: number | null, max: number | null, quantiles: readonly (number | null)[]): DurationSummary {
  if (n === 0 || sum === null || min === null || max === null) {
    return { min: null, mean: null, p50: null, p90: null, p95: null, p99: null, max: null };
  }
  const at = (i: number): number => Math.min(max, Math.max(min, quantiles[i] ?? min));
  return { min, mean: sum / n, p50: at(0), p90: at(1), p95: at(2), p99: at(3), max };
}

/** A group value as the file source would give it: perflog's numeric fields as numbers, `success` as a boolean. */
function typed(field: string, value: string | null): GroupValue {
  if (value === null) return null;
  if (field === 'success' && (value === 'true' || value === 'false')) return value === 'true';
  if (NUMBER_FIELDS.has(field) && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return value;
}
