/**
 * One factory's record pipeline: its resolved options, counters, file exporters and error reporting.
 */
import { join } from 'node:path';
import { diag } from '@opentelemetry/api';
import type { PerflogError, PerflogRecordError } from './errors.js';
import { rateLimitedReporter } from './errors.js';
import { FileExporter } from './exporters/file-exporter.js';
import type { PerflogStats, ResolvedPerflogOptions } from './interfaces.js';
import type { RecordForwarder } from './logger-writer.js';
import type { OtlpShipper } from './exporters/otlp-shipper.js';
import type { FileIdentity } from './exporters/file-tailer.js';
import { createOtelExport } from './otel-forwarder.js';

/** Minimum milliseconds between two diag warnings of dropped records of one pipeline. */
const WARN_INTERVAL_MILLIS = 1000;

/** Creates zeroed counters. */
export function newStats(): PerflogStats {
  return { recordsWritten: 0, recordsDropped: 0, writeErrors: 0, exportErrors: 0, bytesWritten: 0, recordsExported: 0 };
}

/**
 * A module name as it may appear in a file name: anything but letters, digits, `.`, `_` and `-` becomes `_`, and a
 * leading dot is escaped, so no module can name a path outside the log directory or a hidden file.
 */
export function fileSafe(module: string): string {
  const safe = module.replace(/[^\w.-]/g, '_');
  return safe === '' || safe.startsWith('.') ? `_${safe}` : safe;
}

export class Pipeline {
  readonly options: ResolvedPerflogOptions;
  readonly stats: PerflogStats;
  /** Receives every accepted record besides the files (OTel provider, OTLP shipper). */
  forwarder: RecordForwarder | undefined;
  /** Set by `shutdown()`: recording becomes a counted no-op. */
  isClosed = false;
  readonly #files = new Map<string, FileExporter>();
  #lastWarnMs = 0;
  #suppressedWarnings = 0;
  readonly #reportWriteError = rateLimitedReporter((error) => this.report(error));
  #shutdown: Promise<void> | undefined;
  readonly #shipper: OtlpShipper | undefined;

  /** `after`: the shipper starts only once it settles (the previous pipeline's shutdown, on `configure()`). */
  constructor(options: ResolvedPerflogOptions, stats: PerflogStats = newStats(), after?: Promise<unknown>) {
    this.options = options;
    this.stats = stats;
    ({ forwarder: this.forwarder, shipper: this.#shipper } = createOtelExport(options, stats, (error) => this.report(error), after));
  }

  /** Whether the OTLP shipper still needs the file at `path` (false without a shipper). */
  isUnshipped(path: string, file: FileIdentity): Promise<boolean> {
    return this.#shipper?.isUnshipped(path, file) ?? Promise.resolve(false);
  }

  /** The file exporter of `module`, created on first use; `undefined` when files are disabled. */
  fileFor(module: string): FileExporter | undefined {
    if (!this.options.file.enabled) return undefined;
    let exporter = this.#files.get(module);
    if (exporter === undefined) {
      exporter = new FileExporter({
        path: join(this.options.logDir, this.options.file.fileName.replaceAll('{module}', fileSafe(module))),
        sync: this.options.file.sync,
        maxBytes: this.options.file.maxSizeMb * 1024 * 1024,
        rotateInterval: this.options.file.rotateInterval,
        stats: this.stats,
        report: (error) => this.#reportWriteError(() => error),
      });
      this.#files.set(module, exporter);
    }
    return exporter;
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

  /** Writes out every buffered line, then ships what is pending over OTLP (bounded by `otlp.timeoutMillis`). */
  flush(): Promise<void> {
    for (const exporter of this.#files.values()) exporter.flushSync();
    return this.#shipper?.flush() ?? Promise.resolve();
  }

  /** Flushes and closes everything once; later calls return the first promise. */
  shutdown(): Promise<void> {
    if (this.#shutdown !== undefined) {
      diag.warn('perflog: shutdown() called more than once');
      return this.#shutdown;
    }
    this.isClosed = true;
    for (const exporter of this.#files.values()) exporter.close();
    // the shipper bounds itself: it resolves within otlp.timeoutMillis + 0.5 s even when a collector never answers
    this.#shutdown = this.#shipper?.shutdown() ?? Promise.resolve();
    return this.#shutdown;
  }

  #warn(message: string): void {
    const now = Date.now();
    if (now - this.#lastWarnMs < WARN_INTERVAL_MILLIS) {
      this.#suppressedWarnings++;
      return;
    }
    const suppressed = this.#suppressedWarnings;
    this.#lastWarnMs = now;
    this.#suppressedWarnings = 0;
    diag.warn(suppressed > 0 ? `${message} (and ${suppressed} more since the last warning)` : message);
  }

}
