/**
 * The figures kept per group while aggregating, and their plain-data form for crossing a worker boundary.
 */
import type { SketchState } from './sketch.js';
import { DurationSketch } from './sketch.js';

/** A group's key values, one per `groupBy` field; `null` when the record has no such field. */
export type GroupValue = string | number | boolean | null;

/** Totals summed over a group's records. */
export const TOTAL_FIELDS = ['size', 'prompt_tokens', 'completion_tokens', 'total_tokens'] as const;

/** Running figures of one group. */
export class GroupStats {
  count = 0;
  errors = 0;
  durationCount = 0;
  durationSum = 0;
  durationMin = Infinity;
  durationMax = -Infinity;
  readonly totals = [0, 0, 0, 0];
  sketch = new DurationSketch();

  addDuration(seconds: number): void {
    this.durationCount++;
    this.durationSum += seconds;
    if (seconds < this.durationMin) this.durationMin = seconds;
    if (seconds > this.durationMax) this.durationMax = seconds;
    this.sketch.add(seconds);
  }

  merge(other: GroupStats): void {
    this.count += other.count;
    this.errors += other.errors;
    this.durationCount += other.durationCount;
    this.durationSum += other.durationSum;
    this.durationMin = Math.min(this.durationMin, other.durationMin);
    this.durationMax = Math.max(this.durationMax, other.durationMax);
    for (let i = 0; i < this.totals.length; i++) this.totals[i]! += other.totals[i]!;
    this.sketch.merge(other.sketch);
  }
}

/** Plain-data form of an aggregate, for `postMessage`. */
export interface AggregateState {
  linesRead: number;
  badLines: number;
  groups: { key: GroupValue[]; count: number; errors: number; durationCount: number; durationSum: number;
    durationMin: number; durationMax: number; totals: number[]; sketch: SketchState }[];
}
