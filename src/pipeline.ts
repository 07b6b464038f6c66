/**
 * One factory's record pipeline: its resolved options, counters, sinks and error reporting.
 */
import { diag } from '@opentelemetry/api';
import type { PerflogError, PerflogRecordError } from './errors.js';
import type { PerflogStats, ResolvedPerflogOptions } from './interfaces.js';
import type { FileIdentity } from './exporters/file-tailer.js';
import { RateLimit } from './rate-limit.js';
import type { OpenFiles } from './exporters/open-files.js';
import { createSinks } from './sinks/create-sinks.js';
import type { RecordSink } from './sinks/record-sink.js';

/** Creates zeroed counters. */
export function newStats(): PerflogStats {
  return { recordsWritten: 0, recordsDropped: 0, writeErrors: 0, exportErrors: 0, bytesWritten: 0, recordsExported: 0 };
}

/** The sinks of one configuration, with the counters and error reporting they share. */
export class Pipeline {
  readonly options: ResolvedPerflogOptions;
  readonly stats: PerflogStats;
  /** Every accepted record goes to each of these, in order. */
  readonly sinks: readonly RecordSink[];
  /** Whether a sink needs the written attributes' values (`RecordMeta.attributes`). */
  readonly collectsAttributes: boolean;
  /** Set by `shutdown()`: recording becomes a counted no-op. */
  isClosed = false;
  /** Diag warnings of dropped records: at most one per `REPORT_INTERVAL_MILLIS`. */
  readonly #warnings = new RateLimit();
  #shutdown: Promise<void> | undefined;

  /**
   * `openFiles`: the owning factory's registry, which its file exporters join. `after`: the OTLP shipper starts only
   * once it settles (the previous pipeline's shutdown, on `configure()`).
   */
  constructor(options: ResolvedPerflogOptions, openFiles: OpenFiles, stats: PerflogStats = newStats(), after?: Promise<unknown>) {
    this.options = options;
    this.stats = stats;
    this.sinks = createSinks(options, stats, (error) => this.report(error), openFiles, after);
    this.collectsAttributes = this.sinks.some((sink) => sink.collectsAttributes === true);
  }

  /** Whether this pipeline's OTLP shipper still needs the file at `path` (false without one). */
  async isUnshipped(path: string, file: FileIdentity): Promise<boolean> {
    for (const sink of this.sinks) if (await sink.isUnshipped?.(path, file)) return true;
    return false;
  }

  /**
   * Counts a dropped record that nobody would see (no `onError`, and its diag warning held back by the rate limit)
   * and returns true; returns false, counting nothing, when the record's error is to be built and given to `drop()`.
   */
  dropUnseen(): boolean {
    if (this.options.onError !== undefined || this.#warnings.wouldAllow()) return false;
    this.stats.recordsDropped++;
    this.#warnings.allows(); // held back: counted in the next warning's "and N more"
    return true;
  }

  /** Counts a dropped record, warns through diag (rate-limited) and hands it to `onError`. */
  drop(error: PerflogRecordError): void {
    this.stats.recordsDropped++;
    this.#warn(error.message);
    this.report(error);
  }

  /** Calls `onError`; a throwing handler never reaches the app. */
  report(error: PerflogError): void {
    const onError = this.options.onError;
    if (onError === undefined) return;
    try {
      onError(error);
    } catch {
      // a throwing onError must not turn monitoring into a crash
    }
  }

  /** Flushes every sink in order (the files first, synchronously, then the OTLP shipper, bounded by `otlp.timeoutMillis`). */
  async flush(): Promise<void> {
    for (const sink of this.sinks) await sink.flush();
  }

  /** Flushes and closes every sink once; later calls return the first promise. */
  shutdown(): Promise<void> {
    if (this.#shutdown !== undefined) {
      diag.warn('perflog: shutdown() called more than once');
      return this.#shutdown;
    }
    this.isClosed = true;
    this.#shutdown = this.#shutdownSinks();
    return this.#shutdown;
  }

  // the files close synchronously, before the first await; the shipper bounds itself (otlp.timeoutMillis + 0.5 s)
  async #shutdownSinks(): Promise<void> {
    for (const sink of this.sinks) await sink.shutdown();
  }

  #warn(message: string): void {
    if (!this.#warnings.allows()) return;
    const suppressed = this.#warnings.takeSuppressed();
    diag.warn(suppressed > 0 ? `${message} (and ${suppressed} more since the last warning)` : message);
  }
}
