import { performance } from 'node:perf_hooks';
import { errorMessage } from './errors.js';
import type { Attributes, MetricLogWriter, PerformanceMonitor } from './interfaces.js';
import { secondsBetween } from './number-text.js';

/**
 * What every monitor shares: a module, a writer, and the timing helpers `time()` and `startTimer()`, which
 * measure on the monotonic clock and record seconds.
 */
export abstract class BasePerformanceMonitor implements PerformanceMonitor {
  /** The writer this monitor records through; subclasses call `logTimer`, `logCounter`, `logGauge` on it. */
  protected readonly logger: MetricLogWriter;
  /** The module of this monitor's records. */
  readonly module: string;

  protected constructor(logger: MetricLogWriter, module: string) {
    this.logger = logger;
    this.module = module;
  }

  /**
   * Runs `fn` and records how long it took as a timer named `operation`. Returns what `fn` returns (for an async
   * `fn`, a promise of it); when `fn` throws or its promise rejects, records `success: false` with `error` and
   * rethrows the same error.
   * @example const answer = await llm.time('retrieve', () => store.search(query), { index: 'docs' });
   */
  time<T>(operation: string, fn: () => T, attributes?: Attributes): T {
    const start = performance.now();
    let result: T;
    try {
      result = fn();
    } catch (error) {
      this.#finish(operation, start, attributes, true, error);
      throw error;
    }
    if (isThenable(result)) {
      return result.then(
        (value: unknown) => {
          this.#finish(operation, start, attributes, false, undefined);
          return value;
        },
        (error: unknown) => {
          this.#finish(operation, start, attributes, true, error);
          throw error;
        },
      ) as T;
    }
    this.#finish(operation, start, attributes, false, undefined);
    return result;
  }

  /**
   * Starts a timer named `operation`. The returned `end(attributes?)` records it once, with the start and end
   * attributes merged (`success: false` and `error` among them mark a failure); later calls do nothing.
   * @example const end = tools.startTimer('download'); await fetchAll(); end({ files: 3 });
   */
  startTimer(operation: string, attributes?: Attributes): (attributes?: Attributes) => void {
    const start = performance.now();
    let ended = false;
    return (endAttributes?: Attributes): void => {
      if (ended) return;
      ended = true;
      const seconds = secondsBetween(start, performance.now());
      const merged = endAttributes === undefined ? attributes : attributes === undefined ? endAttributes : { ...attributes, ...endAttributes };
      this.logger.logTimer(operation, seconds, merged);
    };
  }

  #finish(operation: string, start: number, attributes: Attributes | undefined, failed: boolean, error: unknown): void {
    const seconds = secondsBetween(start, performance.now());
    this.logger.logTimer(operation, seconds, failed ? { ...attributes, success: false, error: errorMessage(error).slice(0, 256) } : attributes);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
