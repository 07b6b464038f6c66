/**
 * The periodic cleaner: runs a `LogCleaner` every `checkIntervalHours`, never overlapping, never keeping the process
 * alive, and, across processes sharing the log folder, one at a time.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { diag } from '@opentelemetry/api';
import { STALE_LOCK_MILLIS, acquireLease } from './exporters/file-lock.js';
import { errorMessage } from './errors.js';
import type { CleanupResult } from './interfaces.js';
import type { LogCleaner } from './log-cleaner.js';
import { MAX_CHECK_INTERVAL_HOURS } from './options.js';

const HOUR_MILLIS = 3_600_000;
/** The lock file's name, created inside the log folder during a run. */
export const LOCK_NAME = '.perflog-cleanup.lock';

/** Options of a `LogCleanupService`. */
export interface LogCleanupServiceOptions {
  /**
   * The cross-process lock (a file created for the duration of each real run, refreshed while it lasts).
   * Processes that share log files must use the same path; the factory uses `<logDir>/.perflog-cleanup.lock`.
   * @default `<baseDir>/logs/.perflog-cleanup.lock`
   */
  lockPath?: string | undefined;
  /** Called with the error of every failed run (after `diag.error`); must not throw. */
  onError?: ((error: Error) => void) | undefined;
}

/**
 * Runs a `LogCleaner` periodically (SPEC section 6). `start()` runs a first cleanup at once, in the background, then
 * every `checkIntervalHours`; the timer is `unref()`ed, so it never keeps the process alive. Runs never overlap (a
 * second caller joins the running cleanup) and a failing run is counted in `failedRuns` and reported, never thrown.
 * Real runs (not dry runs) hold a lock file: when another process holds it, the run is skipped and resolves with
 * zero counts, since that process is deleting the same expired files.
 * @example
 * const service = factory.getScheduledCleaner();
 * service.start();           // first run now, then every checkIntervalHours
 * process.on('SIGTERM', () => service.stop());
 */
export class LogCleanupService {
  #cleaner: LogCleaner;
  readonly #lockPath: string;
  readonly #onError: ((error: Error) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #nextRunAt: Date | undefined;
  #inFlight: Promise<CleanupResult> | undefined;
  #inFlightCleaner: LogCleaner | undefined;
  #abort: AbortController | undefined;
  #failedRuns = 0;

  /** Runs `cleaner` (its `enabled`, `checkIntervalHours` and `dryRun` apply); nothing starts before `start()`. */
  constructor(cleaner: LogCleaner, options: LogCleanupServiceOptions = {}) {
    this.#cleaner = cleaner;
    this.#lockPath = options.lockPath ?? join(cleaner.baseDir, 'logs', LOCK_NAME);
    this.#onError = options.onError;
  }

  /** The cleaner this service runs. */
  get cleaner(): LogCleaner {
    return this.#cleaner;
  }

  /** Whether the service is started: true from `start()` (with cleanup enabled) until `stop()`. */
  get isRunning(): boolean {
    return this.#timer !== undefined;
  }

  /** When the next periodic run is due; `undefined` while stopped. */
  get nextRunAt(): Date | undefined {
    return this.#nextRunAt;
  }

  /** How many runs failed (and were reported) since this service was built. */
  get failedRuns(): number {
    return this.#failedRuns;
  }

  /** Starts the periodic cleanup; does nothing when `enabled` is false or when already started. */
  start(): void {
    if (this.#timer !== undefined || !this.#cleaner.config.enabled) return;
    this.#schedule();
    void this.runNow();
  }

  /** Stops the periodic cleanup; a run in progress ends at its next file (without writing its record). */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#nextRunAt = undefined;
    this.#abort?.abort();
  }

  /**
   * Runs a cleanup now, whatever `enabled` says. A caller arriving while a run of the same cleaner is in progress
   * gets that run's result; after `setupLogCleaner()` the new cleaner runs once the previous run is over. Never
   * rejects: a failed run resolves with `errors: 1` and is counted and reported.
   */
  runNow(): Promise<CleanupResult> {
    const cleaner = this.#cleaner;
    if (this.#inFlight !== undefined && this.#inFlightCleaner === cleaner) return this.#inFlight;
    const previous = this.#inFlight;
    const run = (previous === undefined ? this.#run(cleaner) : previous.then(() => this.#run(cleaner))).finally(() => {
      if (this.#inFlight === run) this.#inFlight = this.#inFlightCleaner = undefined;
    });
    this.#inFlight = run;
    this.#inFlightCleaner = cleaner;
    return run;
  }

  /**
   * @internal Makes `cleaner` the one this service runs (the factory's `setupLogCleaner`); a started service follows
   * its `enabled` and `checkIntervalHours` from the next period on.
   */
  useCleaner(cleaner: LogCleaner): void {
    this.#cleaner = cleaner;
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#nextRunAt = undefined;
    if (cleaner.config.enabled) this.#schedule();
  }

  #schedule(): void {
    const hours = Math.min(this.#cleaner.config.checkIntervalHours, MAX_CHECK_INTERVAL_HOURS);
    const intervalMs = Math.max(1, Math.round(hours * HOUR_MILLIS));
    this.#nextRunAt = new Date(Date.now() + intervalMs);
    this.#timer = setInterval(() => {
      this.#nextRunAt = new Date(Date.now() + intervalMs);
      void this.runNow();
    }, intervalMs).unref();
  }

  async #run(cleaner: LogCleaner): Promise<CleanupResult> {
    const abort = new AbortController();
    this.#abort = abort;
    const startMs = performance.now();
    let release: (() => Promise<void>) | undefined;
    try {
      if (!cleaner.config.dryRun) {
        release = await this.#lock();
        if (release === undefined) return emptyResult(cleaner.config.dryRun, performance.now() - startMs, 0);
      }
      return await cleaner.cleanupLogs({ signal: abort.signal });
    } catch (error) {
      this.#failedRuns++;
      this.#report(error);
      return emptyResult(cleaner.config.dryRun, performance.now() - startMs, 1);
    } finally {
      if (this.#abort === abort) this.#abort = undefined;
      if (release !== undefined) await release().catch((error: unknown) => this.#report(error));
    }
  }

  /** Takes the cross-process lock, or returns `undefined` when a live process holds it. */
  async #lock(): Promise<(() => Promise<void>) | undefined> {
    await mkdir(dirname(this.#lockPath), { recursive: true });
    const release = acquireLease(this.#lockPath, STALE_LOCK_MILLIS, (error) => this.#report(error));
    if (release === undefined) {
      diag.info(`perflog: log cleanup skipped: another process holds ${this.#lockPath}`);
      return undefined;
    }
    return () => Promise.resolve(release());
  }

  #report(error: unknown): void {
    const wrapped = error instanceof Error ? error : new Error(errorMessage(error));
    diag.error(`perflog: log cleanup failed: ${errorMessage(error)}`);
    try {
      this.#onError?.(wrapped);
    } catch {
      // a throwing handler must not reach the app
    }
  }
}

function emptyResult(dryRun: boolean, durationMs: number, errors: number): CleanupResult {
  return { filesDeleted: 0, bytesFreed: 0, errors, durationMs, dryRun, filesMatched: 0, filesSkipped: 0 };
}
