/**
 * What the built-in monitors share: validation of their inputs, and a recorder that writes through perflog's writer
 * (module fields encoded by the monitor type's compiled encoder) or through any other `MetricLogWriter`.
 */
import { diag } from '@opentelemetry/api';
import { PerflogRecordError } from '../errors.js';
import type { DropReason } from '../errors.js';
import type { FieldEncoder } from '../field-encoder.js';
import type { AttributeValue, MetricLogWriter, RecordOptions } from '../interfaces.js';
import { ModuleMetricWriter, isDuration } from '../logger-writer.js';
import type { MetricInput } from '../sinks/record-sink.js';

/**
 * Writes a built-in monitor's records. With perflog's writer (from a factory) a record is one `write` of the
 * monitor's own shape; with any other `MetricLogWriter` it becomes a `logTimer` whose attributes hold the module
 * fields, `size`, the user attributes, `success` and `error`, and a bad input is dropped with a diag warning.
 */
export class MonitorRecorder {
  readonly #logger: MetricLogWriter;
  readonly #writer: ModuleMetricWriter | undefined;
  readonly #encoder: FieldEncoder;

  constructor(logger: MetricLogWriter, encoder: FieldEncoder) {
    this.#logger = logger;
    this.#writer = logger instanceof ModuleMetricWriter ? logger : undefined;
    this.#encoder = encoder;
  }

  /** Writes one record whose own values are valid. */
  write(input: MetricInput): void {
    const writer = this.#writer;
    if (writer !== undefined) return writer.write(this.#encoder, input, false);
    const attributes: Record<string, AttributeValue> = {};
    if (input.success !== undefined) attributes['success'] = input.success;
    const names = this.#encoder.names;
    const fields = input.fields ?? [];
    for (let i = 0; i < names.length; i++) if (fields[i] !== undefined) attributes[names[i]!] = fields[i];
    if (input.size !== undefined) attributes['size'] = input.size;
    Object.assign(attributes, input.attributes);
    if (input.error !== undefined) attributes['error'] = input.error;
    this.#logger.logTimer(input.operation, input.measure, attributes);
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
    this.write({
      metricType: 'timer', operation, measure: duration, success: record.success ?? true, fields: [name],
      attributes: record.attributes, error: record.error ?? undefined,
    });
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
