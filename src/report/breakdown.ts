/**
 * Shared by the CLI table and the report: which records are perflog's own, and the top-N cut of a breakdown with an
 * "other" row, so a field of many values (ids) never makes a table of thousands of rows.
 */
import type { QueryRow } from '../query/query.js';

/** Modules whose records are perflog's own (the cleaner's `log_cleanup` runs): shown apart from the app's. */
export const INTERNAL_MODULES: readonly string[] = Object.freeze(['log_cleaner']);

/**
 * Fields that carry ids (`thread_id`; `checkpoint_ns`, which holds task ids): never a default breakdown, and cut to
 * the top rows wherever shown.
 */

/** The groups beyond the top N, summed: counts and totals are exact; percentiles cannot be merged from rows. */
export interface OtherRow extends QueryRow {
  /** How many groups it sums. */
  groups: number;
}

/** The `top` rows with the most records (in their original order) and the rest as one row, if any. */
export function topRows(rows: readonly QueryRow[], top: number): { rows: QueryRow[]; other: OtherRow | undefined } {
  if (rows.length <= top) return { rows: [...rows], other: undefined };
  const kept = new Set([...rows].sort((a, b) => b.count - a.count).slice(0, top));
  const rest = rows.filter((row) => !kept.has(row));
  const count = rest.reduce((n, row) => n + row.count, 0);
  const errors = rest.reduce((n, row) => n + row.errors, 0);
  const totals = { size: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } as QueryRow['totals'];
  for (const row of rest) for (const [field, value] of Object.entries(row.totals)) totals[field] = (totals[field] ?? 0) + value;
  const other: OtherRow = {
    group: {}, count, errors, successRate: count === 0 ? 1 : (count - errors) / count, groups: rest.length, totals,
    duration: { min: null, mean: null, p50: null, p90: null, p95: null, p99: null, max: null },
  };
  return { rows: rows.filter((row) => kept.has(row)), other };
}
