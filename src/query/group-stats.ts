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
  /** The measured field's values (`duration` by default). */
  duration = new Running();
  readonly totals: number[];
  /** `llm_call` records in the group; only such groups carry `timeToFirstToken` and `outputTokensPerSecond`. */
  llmCalls = 0;
  /** `time_to_first_token` figures, made at the first value. */
  ttft: Running | undefined;
  /** `completion_tokens / (duration - time_to_first_token)` of streamed calls, made at the first value. */
  rates: DurationSketch | undefined;

  constructor(totalCount: number = TOTAL_FIELDS.length) {
    this.totals = new Array<number>(totalCount).fill(0);
  }

  /** Adds a streamed call's time to first token and, when it has completion tokens, its output rate. */
  addFirstToken(seconds: number, duration: unknown, completion: unknown): void {
    (this.ttft ??= new Running()).add(seconds);
    if (typeof duration === 'number' && typeof completion === 'number' && duration > seconds) {
      (this.rates ??= new DurationSketch()).add(completion / (duration - seconds));
    }
  }

  merge(other: GroupStats): void {
    this.count += other.count;
    this.errors += other.errors;
    this.duration.merge(other.duration);
    for (let i = 0; i < this.totals.length; i++) this.totals[i]! += other.totals[i]!;
    this.llmCalls += other.llmCalls;
    if (other.ttft !== undefined) (this.ttft ??= new Running()).merge(other.ttft);
    if (other.rates !== undefined) (this.rates ??= new DurationSketch()).merge(other.rates);
  }
}

/** Count, sum, exact min and max, and a sketch of one field's values (a group's durations, its times to first token). */
export class Running {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  sketch = new DurationSketch();

  add(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.sketch.add(value);
  }

  merge(other: Running): void {
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    this.sketch.merge(other.sketch);
  }

  /** Plain data, for `postMessage`. */
  toState(): RunningState {
    return { count: this.count, sum: this.sum, min: this.min, max: this.max, sketch: this.sketch.toState() };
  }

  static fromState(state: RunningState): Running {
    const running = new Running();
    Object.assign(running, { count: state.count, sum: state.sum, min: state.min, max: state.max });
    running.sketch = DurationSketch.fromState(state.sketch);
    return running;
  }
}

/** `Running` as plain data. */
export interface RunningState { count: number; sum: number; min: number; max: number; sketch: SketchState }

/** Plain-data form of an aggregate, for `postMessage`. */
export interface AggregateState {
  linesRead: number;
  badLines: number;
  groups: { key: GroupValue[]; count: number; errors: number; duration: RunningState; totals: number[]; llmCalls: number;
    ttft: RunningState | undefined; rates: SketchState | undefined }[];
}
