/**
 * The one rate limiter of perflog's own warnings and reports: a failure repeated per record (a full disk, a collector
 * down, a flood of bad records) reaches diag and `onError` at most once per interval.
 */

/** Minimum milliseconds between two reports of one kind of failure (write, export, dropped record) of a pipeline. */
export const REPORT_INTERVAL_MILLIS = 1000;

/**
 * @internal Lets one event through per interval and counts those held back in between. No allocation: it is asked
 * once per failure, which may be once per record.
 * @example if (limit.allows()) diag.warn(`${message} (and ${limit.takeSuppressed()} more)`);
 */
export class RateLimit {
  readonly #intervalMs: number;
  #lastMs = -Infinity;
  #suppressed = 0;

  constructor(intervalMillis = REPORT_INTERVAL_MILLIS) {
    this.#intervalMs = intervalMillis;
  }

  /** Whether `allows()` would let an event through now (nothing counted). */
  wouldAllow(): boolean {
    return Date.now() - this.#lastMs >= this.#intervalMs;
  }

  /** Whether an event may go out now; one that may not is counted as held back. */
  allows(): boolean {
    const now = Date.now();
    if (now - this.#lastMs < this.#intervalMs) {
      this.#suppressed++;
      return false;
    }
    this.#lastMs = now;
    return true;
  }

  /** How many events were held back since the last one let through, counting from zero again. */
  takeSuppressed(): number {
    const suppressed = this.#suppressed;
    this.#suppressed = 0;
    return suppressed;
  }
}
