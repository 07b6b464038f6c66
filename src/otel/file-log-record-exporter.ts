/**
 * `PerflogFileLogRecordExporter`: an OpenTelemetry `LogRecordExporter` that writes any log record as one JSON line
 * through perflog's file machinery (SPEC section 11).
 */
import { resolve } from 'node:path';
import { diag } from '@opentelemetry/api';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { PerflogError } from '../errors.js';
import { rateLimitedReporter } from '../errors.js';
import { FileExporter } from '../exporters/file-exporter.js';
import type { PerflogStats } from '../interfaces.js';
import type { Rule } from '../option-rules.js';
import { ruleOf } from '../option-rules.js';
import { newStats } from '../pipeline.js';
import { CODE_NAMING, assertValid } from '../rule-check.js';
import { logRecordLine } from './log-record-line.js';

/** What `export()` hands its callback: OTel's `ExportResult` (`code` 0 = SUCCESS, 1 = FAILED). */
export type FileExportResult = Parameters<Parameters<LogRecordExporter['export']>[1]>[0];

/** Options of a `PerflogFileLogRecordExporter`. */
export interface PerflogFileLogRecordExporterOptions {
  /** Folder of the file, relative to the working directory. @default "logs/otel" */
  logDir?: string | undefined;
  /** The active file's name; rotated files are `<fileName>.<date>.<n>`. @default "otel_logs.log" */
  fileName?: string | undefined;
  /** Rotate before a write would take the file past this size, in MiB. @default 100 */
  maxSizeMb?: number | undefined;
  /** Rotate on the first write in a new UTC hour or day, or never by time. @default "daily" */
  rotateInterval?: 'none' | 'hourly' | 'daily' | undefined;
  /** Called for every write failure (rate-limited: at most one a second); must not throw. */
  onError?: ((error: PerflogError) => void) | undefined;
}

const SUCCESS: FileExportResult = Object.freeze({ code: 0 });

/** The options' rules: those of the factory options they mirror (`logDir`, `file.*`, `onError`); unknown keys are errors. */
const OPTIONS_RULE: Rule = Object.freeze({
  type: 'object',
  additionalProperties: false,
  properties: Object.freeze({
    logDir: ruleOf('logDir'), fileName: ruleOf('file.fileName'), maxSizeMb: ruleOf('file.maxSizeMb'),
    rotateInterval: ruleOf('file.rotateInterval'), onError: ruleOf('onError'),
  }),
});

/**
 * An OpenTelemetry `LogRecordExporter` writing every record, perflog's or not, as one JSON line into a rotating file,
 * with the promises of perflog's own files: whole lines only, several processes on one file, rotation by size and
 * UTC period, nothing lost on a normal exit. Each `export()` writes its batch with one `write(2)` before it calls
 * back, so what was exported survives a crash (SIGKILL); what a `BatchLogRecordProcessor` still queues is the
 * processor's. A perflog record (instrumentation scope `perflog`) is written as exactly its perflog line; any other
 * as `{"timestamp", "severity", "body", "event", <attributes>, "trace_id", "span_id"}` (SPEC section 11).
 * A failed write calls back with a failed result, is counted in `stats().writeErrors` and reported through
 * `onError` and diag. When a perflog factory emits into a provider with this exporter, set its `file.enabled: false`,
 * or each record is written twice.
 * @example
 * const provider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter: new PerflogFileLogRecordExporter() })] });
 */
export class PerflogFileLogRecordExporter implements LogRecordExporter {
  /** The active file's absolute path. */
  readonly path: string;
  readonly #file: FileExporter;
  readonly #stats: PerflogStats = newStats();
  #shutdown: Promise<void> | undefined;

  /**
   * @throws {PerflogConfigError} when an option is invalid (by the rules of the factory option it mirrors: `logDir`,
   * `file.fileName`, `file.maxSizeMb`, `file.rotateInterval`, `onError`) or unknown; the message names it.
   */
  constructor(options: PerflogFileLogRecordExporterOptions = {}) {
    assertValid(OPTIONS_RULE, options, CODE_NAMING);
    const { logDir = 'logs/otel', fileName = 'otel_logs.log', maxSizeMb = 100, rotateInterval = 'daily', onError } = options;
    this.path = resolve(logDir, fileName);
    const report = rateLimitedReporter((error) => {
      try {
        onError?.(error);
      } catch {
        // a throwing handler must not break the pipeline
      }
    });
    this.#file = new FileExporter({
      path: this.path, sync: false, maxBytes: maxSizeMb * 1024 * 1024, rotateInterval, stats: this.#stats,
      report: (error) => report(() => error),
    });
  }

  /** Writes the records as lines with one `write(2)`, then calls back: SUCCESS, or FAILED when the write failed. */
  export(logs: ReadableLogRecord[], resultCallback: (result: FileExportResult) => void): void {
    if (this.#shutdown !== undefined) {
      resultCallback({ code: 1, error: new Error('PerflogFileLogRecordExporter: export() after shutdown()') });
      return;
    }
    const errorsBefore = this.#stats.writeErrors;
    for (const record of logs) this.#file.write(logRecordLine(record));
    this.#file.flushSync();
    if (this.#stats.writeErrors === errorsBefore) {
      this.#stats.recordsWritten += logs.length;
      resultCallback(SUCCESS);
    } else {
      resultCallback({ code: 1, error: new Error(`PerflogFileLogRecordExporter: could not write ${logs.length} record(s) to ${this.path}`) });
    }
  }

  /** Nothing is buffered between exports: resolves at once. */
  forceFlush(): Promise<void> {
    this.#file.flushSync();
    return Promise.resolve();
  }

  /** Closes the file; idempotent (later calls warn through diag and return the first promise). */
  shutdown(): Promise<void> {
    if (this.#shutdown !== undefined) {
      diag.warn('PerflogFileLogRecordExporter: shutdown() called more than once');
      return this.#shutdown;
    }
    this.#file.close();
    this.#shutdown = Promise.resolve();
    return this.#shutdown;
  }

  /** A snapshot of this exporter's counters: `recordsWritten`, `writeErrors`, `recordsDropped`, `bytesWritten`. */
  stats(): PerflogStats {
    return { ...this.#stats };
  }
}
