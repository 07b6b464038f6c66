import { inspect } from 'node:util';
import { diag } from '@opentelemetry/api';
import { RateLimit } from './rate-limit.js';

/**
 * Thrown when an option, a configuration file or a CLI argument is invalid.
 * The message names the file (when there is one), the option path, what was expected and what was received.
 * @example
 * // configs/monitoring_logging.yaml: log_cleanup.retention_days must be a number > 0 (got -3)
 */
export class PerflogConfigError extends Error {
  override name = 'PerflogConfigError';
  /** Stable error code: `PERFLOG_INVALID_CONFIG`. */
  readonly code = 'PERFLOG_INVALID_CONFIG';
  /** The option path, as the user spelled it (`log_cleanup.retention_days`, `file.maxSizeMb`). */
  readonly key: string;
  /** The configuration file, when the bad value came from one. */
  readonly file: string | undefined;

  constructor(key: string, expected: string, actual: unknown, file?: string) {
    super(`${file !== undefined ? `${file}: ` : ''}${key} must be ${expected} (got ${describeSafely(key, actual)})`);
    this.key = key;
    this.file = file;
  }
}

/** Why a record was dropped. */
export type DropReason =
  | 'invalid_type'
  | 'out_of_range'
  | 'record_too_large'
  | 'reserved_attribute'
  | 'shutdown'
  | 'instrumentation_failed';

/**
 * Describes one dropped record: handed to `onError`, or thrown (as its `cause`'s kind) with `strict: true`.
 * `field` is the name as the caller spelled it (`responseTime`, not `duration`).
 */
export class PerflogRecordError extends Error {
  override name = 'PerflogRecordError';
  /** Stable error code: `PERFLOG_RECORD_DROPPED`. */
  readonly code = 'PERFLOG_RECORD_DROPPED';
  readonly reason: DropReason;
  /** The operation of the dropped record. */
  readonly operation: string;
  /** The offending field, when one field was to blame. */
  readonly field: string | undefined;

  constructor(reason: DropReason, operation: string, field: string | undefined, detail: string) {
    super(`perflog dropped a "${operation}" record: ${detail}`);
    this.reason = reason;
    this.operation = operation;
    this.field = field;
  }
}

/** @internal The drop of a record perflog could not make because of a failure of its own (an adapter's, a batch's). */
export function instrumentationFailure(operation: string, error: unknown): PerflogRecordError {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new PerflogRecordError('instrumentation_failed', operation, undefined, `instrumentation failed (${detail})`);
}

/**
 * Reports that writing to a log file failed (full disk, read-only or vanished directory, ...).
 * The records in that write are counted in `stats().recordsDropped`; the writer retries on its next flush.
 * A failed rotation is reported the same way with `records` 0: nothing is lost, the active file keeps growing
 * and the rotation is tried again a second later.
 */
export class PerflogWriteError extends Error {
  override name = 'PerflogWriteError';
  /** Stable error code: `PERFLOG_WRITE_FAILED`. */
  readonly code = 'PERFLOG_WRITE_FAILED';
  /** The file that could not be written. */
  readonly path: string;
  /** How many records were lost with this write. */
  readonly records: number;

  constructor(path: string, records: number, cause: unknown, action: 'write' | 'rotate' = 'write') {
    const what = action === 'rotate' ? `rotate ${path}` : `write ${records} record(s) to ${path}`;
    super(`perflog could not ${what}: ${errorMessage(cause)}`, { cause });
    this.path = path;
    this.records = records;
  }
}

/** Reports a failed export to an OpenTelemetry collector or a user's `LoggerProvider`. */
export class PerflogExportError extends Error {
  override name = 'PerflogExportError';
  /** Stable error code: `PERFLOG_EXPORT_FAILED`. */
  readonly code = 'PERFLOG_EXPORT_FAILED';

  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** Reports a cleanup run that failed as a whole (a folder that cannot be read, a lock that cannot be taken). */
export class PerflogCleanupError extends Error {
  override name = 'PerflogCleanupError';
  /** Stable error code: `PERFLOG_CLEANUP_FAILED`. */
  readonly code = 'PERFLOG_CLEANUP_FAILED';

  constructor(cause: unknown) {
    super(`perflog: log cleanup failed: ${errorMessage(cause)}`, { cause });
  }
}

/**
 * Everything perflog hands to `onError`: narrow on `code` (`PERFLOG_RECORD_DROPPED`, `PERFLOG_WRITE_FAILED`,
 * `PERFLOG_EXPORT_FAILED`, `PERFLOG_CLEANUP_FAILED`, `PERFLOG_INVALID_CONFIG`).
 * @example onError: (error) => { if (error.code === 'PERFLOG_RECORD_DROPPED') console.warn(error.reason); }
 */
export type PerflogError = PerflogConfigError | PerflogRecordError | PerflogWriteError | PerflogExportError | PerflogCleanupError;

/**
 * @internal Wraps `report` so that it warns through diag and reports at most once per `REPORT_INTERVAL_MILLIS`. The
 * error is built only when it will be reported: a failure repeated per record costs no allocation.
 */
export function rateLimitedReporter(report: (error: PerflogError) => void): (make: () => PerflogError) => void {
  const limit = new RateLimit();
  return (make) => {
    if (!limit.allows()) return;
    const error = make();
    diag.warn(error.message);
    report(error);
  };
}

/** @internal A short, single-line description of any thrown value, for `error` fields and messages. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message === '' ? error.name : `${error.name}: ${error.message}`;
  return typeof error === 'string' ? error : inspect(error, { breakLength: Infinity, depth: 1 });
}

/** Option paths whose values are never printed, only their type: header values carry credentials. */
const SECRET_KEY = /(^|\.)headers($|[.[])/i;

/** A bad value as a message shows it: only the type under a secret key, URLs without their credentials. */
function describeSafely(key: string, value: unknown): string {
  if (SECRET_KEY.test(key)) return value === null ? 'null' : Array.isArray(value) ? 'an array' : `${/^[aeiou]/.test(typeof value) ? 'an' : 'a'} ${typeof value}`;
  const shown = typeof value === 'string' ? redactCredentials(value, key.endsWith('endpoint')) : value;
  return inspect(shown, { breakLength: Infinity, depth: 2, maxStringLength: 120 });
}

/**
 * @internal `text` with the user-information part of any URL in it replaced by `***`
 * (`https://user:secret@host` -> `https://***@host`); with `isUrl`, also a leading one without a scheme (`user:secret@host`).
 */
export function redactCredentials(text: string, isUrl = false): string {
  const redacted = text.replace(/([a-z][a-z\d+.-]*:\/\/)[^\s/?#@]*@/gi, '$1***@');
  return isUrl ? redacted.replace(/^(?![a-z][a-z\d+.-]*:\/\/)[^\s/?#@]*@/i, '***@') : redacted;
}

/**
 * Thrown by `queryMetrics` and the CLI when a query source other than the files fails: a ClickHouse server that
 * cannot be reached, refuses the credentials, lacks the table, or holds a table of another schema. The message names
 * the server (without credentials), the table and what was expected.
 */
export class PerflogSourceError extends Error {
  override name = 'PerflogSourceError';
  /** Stable error code: `PERFLOG_SOURCE_FAILED`. */
  readonly code = 'PERFLOG_SOURCE_FAILED';

  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
  }
}
