/** Exact expectations for query results, computed the slow way from generated records (query and CLI tests). */
import { expect } from 'chai';
import type { QueryRow } from '../../src/query/query.js';
import type { GeneratedRecord } from '../fixtures/metrics-data.js';

/** Garbage, a record with a bad timestamp, a non-object, an empty line and a truncated last line. */
export const BAD_LINES = 'not json at all\n{"timestamp":"soon","module":"llm","operation":"llm_call"}\n[1,2]\n\n'
  + '{"timestamp":1764000000.123,"metric_type":"timer","operation":"llm_call","dura';
export const BAD_LINE_COUNT = 5;
const QUANTILES = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 } as const;

interface Expected { count: number; errors: number; durations: number[]; totals: Record<string, number> }

/** Exact figures per group, computed the slow way from the generated records. */
export function expectedGroups(records: readonly GeneratedRecord[], groupBy: readonly string[],
  keep: (r: GeneratedRecord) => boolean = () => true): Map<string, Expected> {
  const groups = new Map<string, Expected>();
  for (const r of records) {
    if (!keep(r)) continue;
    const key = JSON.stringify(groupBy.map((f) => r[f] ?? null));
    let g = groups.get(key);
    if (g === undefined) groups.set(key, g = { count: 0, errors: 0, durations: [], totals: { size: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } });
    g.count++;
    if (r['success'] === false) g.errors++;
    if (typeof r['duration'] === 'number') g.durations.push(r['duration']);
    for (const field of Object.keys(g.totals)) if (typeof r[field] === 'number') g.totals[field]! += r[field];
  }
  for (const g of groups.values()) g.durations.sort((a, b) => a - b);
  return groups;
}

/** Checks rows against exact figures: counts, errors, totals, min, max exact; mean close; percentiles within 1%. */
export function checkRows(rows: readonly QueryRow[], expected: Map<string, Expected>, groupBy: readonly string[]): void {
  expect(rows.length).to.equal(expected.size);
  for (const row of rows) {
    const g = expected.get(JSON.stringify(groupBy.map((f) => row.group[f])))!;
    expect(g, JSON.stringify(row.group)).to.not.equal(undefined);
    expect(row.count).to.equal(g.count);
    expect(row.errors).to.equal(g.errors);
    expect(row.successRate).to.equal((g.count - g.errors) / g.count);
    expect(row.totals).to.deep.equal(g.totals);
    const d = g.durations;
    if (d.length === 0) {
      expect(row.duration).to.deep.equal({ min: null, mean: null, p50: null, p90: null, p95: null, p99: null, max: null });
      continue;
    }
    expect(row.duration.min).to.equal(d[0]);
    expect(row.duration.max).to.equal(d[d.length - 1]);
    expect(row.duration.mean).to.be.closeTo(d.reduce((a, b) => a + b, 0) / d.length, 1e-9);
    for (const [name, q] of Object.entries(QUANTILES)) {
      const exact = d[Math.floor(q * (d.length - 1))]!;
      expect(row.duration[name as keyof typeof QUANTILES]!, `${name} of ${JSON.stringify(row.group)}`).to.be.closeTo(exact, exact * 0.01);
    }
  }
}
