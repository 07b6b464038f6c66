/**
 * What the built-in monitors share: validation of their inputs, and a recorder that writes through perflog's writer
 * (module fields encoded by the monitor type's compiled encoder) or through any other `MetricLogWriter`.
 */
import { diag } from '@opentelemetry/api';
import { PerflogRecordError } from '../errors.js';
import type { DropReason } from '../errors.js';
import type { FieldEncoder, FieldValue } from '../field-encoder.js';
import type { AttributeValue, Attributes, MetricLogWriter, RecordOptions } from '../interfaces.js';
import { ModuleMetricWriter, isDuration } from '../logger-writer.js';

/**
 * Writes a built-in monitor's records. With perflog's writer (from a factory) a record is one `write` of the
 * monitor's own shape; with any other `MetricLogWriter` it becomes a `logTimer` whose attributes hold the module
 * fields, `size`, the user attributes, `success` and `error`, and a bad input is dropped with a diag warning.
 */
export class MonitorRecorder {
  /**
   * The values of the encoder's fields, reused record after record (no array per record): fill it right before
   * `write`, with nothing in between that could run user code (read the caller's record first).
   */
  readonly fields: FieldValue[];
  readonly #logger: MetricLogWriter;
  readonly #writer: ModuleMetricWriter | undefined;
  readonly #encoder: FieldEncoder;

  constructor(logger: MetricLogWriter, encoder: FieldEncoder) {
    this.#logger = logger;
    this.#writer = logger instanceof ModuleMetricWriter ? logger : undefined;
    this.#encoder = encoder;
    this.fields = encoder.names.map(() => undefined);
  }

  /**
   * Writes one timer record whose own values are valid; `fields` is `this.fields` (filled) or `undefined` for a
   * record without module fields. Plain parameters: a record allocates nothing here.
   */
  write(
    fields: readonly FieldValue[] | undefined, operation: string, seconds: number, size: number | undefined, success: boolean,
    error: string | undefined, attributes: Attributes | undefined,
  ): void {
    const writer = this.#writer;
    if (writer !== undefined) return writer.writeTimer(this.#encoder, fields, operation, seconds, size, success, error, attributes);
    const all: Record<string, AttributeValue> = { success };
    const names = this.#encoder.names;
    if (fields !== undefined) for (let i = 0; i < names.length; i++) if (fields[i] !== undefined) all[names[i]!] = fields[i]!;
    if (size !== undefined) all['size'] = size;
    Object.assign(all, attributes);
    if (error !== undefined) all['error'] = error;
    this.#logger.logTimer(operation, seconds, all);
  }

  /** Drops a record with a bad `field` (as the caller spelled it): counted and reported, or thrown in strict mode. */
  reject(reason: DropReason, operation: string, field: string, value: unknown, expected: string): void {
    if (this.#writer !== undefined) return this.#writer.reject(reason, operation, field, value, expected);
    diag.warn(new PerflogRecordError(reason, operation, field, `${field} must be ${expected}`).message);
  }

  /** Drops a record whose `field` holds a bad number: `out_of_range` for a number, `invalid_type` otherwise. */
  rejectNumber(operation: string, field: string, value: unknown, expected: string): void {
    this.reject(typeof value === 'number' ? 'out_of_range' : 'invalid_type', operation, field, value, expected);
  }

  /**
   * Checks the fields every built-in record shares; returns false after dropping the record when one is bad.
   * `record` must be an object with a valid `success` (boolean, default true) and `error` (string).
   */
  checkCommon(operation: string, record: RecordOptions | undefined): record is RecordOptions {
    if (typeof record !== 'object' || record === null) {
      this.reject('invalid_type', operation, 'record', record, 'an object');
      return false;
    }
    if (record.success !== undefined && typeof record.success !== 'boolean') {
      this.reject('invalid_type', operation, 'success', record.success, 'a boolean');
      return false;
    }
    if (record.error !== undefined && record.error !== null && typeof record.error !== 'string') {
      this.reject('invalid_type', operation, 'error', record.error, 'a string');
      return false;
    }
    return true;
  }

  /**
   * Validates and writes a timer whose one module field names what ran (`tool`, `node`): the shape shared by
   * `recordToolCall` and `recordNodeExecution`.
   */
  writeNamedTimer(operation: string, field: string, name: unknown, record: RecordOptions & { duration: number }): void {
    if (typeof name !== 'string') return this.reject('invalid_type', operation, field, name, 'a string');
    const { duration } = record;
    if (!isDuration(duration)) return this.rejectNumber(operation, 'duration', duration, 'a finite number of seconds >= 0');
    const { success, error, attributes } = record;
    const fields = this.fields;
    fields[0] = name;
    this.write(fields, operation, duration, undefined, success ?? true, error ?? undefined, attributes);
  }
}

/** Whether `value` is absent or a whole number >= 0 (token counts). */
export function isCount(value: unknown): boolean {
  return value === undefined || value === null || (Number.isInteger(value) && (value as number) >= 0);
}

/** Whether `value` is absent or a finite number >= 0 (sizes, optional durations). */
export function isOptionalNonNegative(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'number' && value >= 0 && value !== Infinity);
}
