/**
 * Duration percentiles in bounded memory: a DDSketch (`@datadog/sketches-js`, the reference implementation) with
 * 1% relative accuracy, plus what crosses a worker boundary (`SketchState`: the non-empty bins, not the object).
 * Values are clamped into `SKETCH_RANGE` before they reach the sketch, so one group's bins span at most that range
 * (about 2,800 bins, ~22 KB) whatever durations a file holds: `1e-300` and `1e300` side by side would otherwise
 * spread a dense store over ~70,000 bins.
 */
import { DDSketch } from '@datadog/sketches-js';

/** Relative accuracy of every sketch: a percentile is within 1% of the exact value of that rank. */
export const RELATIVE_ACCURACY = 0.01;

/**
 * Values the sketch keeps at 1% relative accuracy: 1e-9 to 1e12 (1 ns to 31,000 years; sizes up to 1 TB). A positive
 * value below is counted as 1e-9, one above as 1e12; `queryMetrics` then clamps every percentile to the group's exact
 * min and max, so only a percentile that falls among such values is off.
 */
export const SKETCH_RANGE = Object.freeze({ min: 1e-9, max: 1e12 });
const MIN = SKETCH_RANGE.min;
const MAX = SKETCH_RANGE.max;

/** A sketch as plain data, for `postMessage`: zero count and `[key, count]` pairs of the positive bins. */
export interface SketchState {
  zeroCount: number;
  keys: number[];
  counts: number[];
}

/** A mergeable quantile sketch of durations (values >= 0). */
export class DurationSketch {
  readonly #sketch = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });

  /** Adds one value (seconds, >= 0), clamped into `SKETCH_RANGE` (0 stays 0). */
  add(value: number): void {
    this.#sketch.accept(value > MAX ? MAX : value > 0 && value < MIN ? MIN : value);
  }

  /** Bins the sketch's store holds (8 bytes each): its memory, bounded by `SKETCH_RANGE`. */
  get binCount(): number {
    return this.#sketch.store.bins.length + this.#sketch.negativeStore.bins.length;
  }

  /** Number of values added (merged ones included). */
  get count(): number {
    return this.#sketch.count;
  }

  /** Adds every value of `other` to this sketch. */
  merge(other: DurationSketch): void {
    this.#sketch.merge(other.#sketch);
  }

  /** The value at quantile `q` in [0, 1] (the value of rank `floor(q * (count - 1))`, within 1%), or NaN when empty. */
  quantile(q: number): number {
    return this.#sketch.getValueAtQuantile(q);
  }

  /** The sketch as plain data. */
  toState(): SketchState {
    const store = this.#sketch.store;
    const keys: number[] = [];
    const counts: number[] = [];
    if (store.count > 0) {
      for (let key = store.minKey; key <= store.maxKey; key++) {
        const count = store.bins[key - store.offset] ?? 0;
        if (count > 0) { keys.push(key); counts.push(count); }
      }
    }
    return { zeroCount: this.#sketch.zeroCount, keys, counts };
  }

  /** Rebuilds a sketch from `toState()`. */
  static fromState(state: SketchState): DurationSketch {
    const sketch = new DurationSketch();
    const inner = sketch.#sketch;
    let total = state.zeroCount;
    for (let i = 0; i < state.keys.length; i++) {
      const count = state.counts[i]!;
      inner.store.add(state.keys[i]!, count);
      total += count;
    }
    inner.zeroCount = state.zeroCount;
    inner.count = total;
    return sketch;
  }
}
