/**
 * Shared validation of the built-in monitors' inputs.
 */
import type { MetricLogWriter, RecordOptions } from '../interfaces.js';
import { ModuleMetricWriter, isDuration } from '../logger-writer.js';
import { encodeString } from '../record-encoder.js';

/** The perflog writer behind a built-in monitor (built-ins write their own fields, so they need perflog's writer). */
export function asModuleWriter(logger: MetricLogWriter): ModuleMetricWriter {
  if (logger instanceof ModuleMetricWriter) return logger;
  throw new TypeError('perflog: built-in monitors need a writer from a PerformanceMonitorFactory (factory.getWriter(module))');
}

/**
 * Checks the fields every built-in record shares; returns false after dropping the record when one is bad.
 * `record` must be an object with a valid `success` (boolean, default true) and `error` (string).
 */
export function checkCommon(writer: ModuleMetricWriter, operation: string, record: RecordOptions | undefined): record is RecordOptions {
  if (typeof record !== 'object' || record === null) {
    writer.reject('invalid_type', operation, 'record', record, 'an object');
    return false;
  }
  if (record.success !== undefined && typeof record.success !== 'boolean') {
    writer.reject('invalid_type', operation, 'success', record.success, 'a boolean');
    return false;
  }
  if (record.error !== undefined && record.error !== null && typeof record.error !== 'string') {
    writer.reject('invalid_type', operation, 'error', record.error, 'a string');
    return false;
  }
  return true;
}

/** Whether `value` is absent or a whole number >= 0 (token counts). */
export function isCount(value: unknown): boolean {
  return value === undefined || value === null || (Number.isInteger(value) && (value as number) >= 0);
}

/** Whether `value` is absent or a finite number >= 0 (sizes, optional durations). */
export function isOptionalNonNegative(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'number' && value >= 0 && value !== Infinity);
}

/**
 * Validates and writes a timer whose one module field names what ran (`tool`, `node`): the shape shared by
 * `recordToolCall` and `recordNodeExecution`.
 */
export function writeNamedTimer(
  writer: ModuleMetricWriter, operation: string, operationJson: string, field: string,
  name: unknown, record: RecordOptions & { duration: number },
): void {
  if (typeof name !== 'string') return writer.reject('invalid_type', operation, field, name, 'a string');
  const { duration } = record;
  if (!isDuration(duration)) return writer.rejectNumber(operation, 'duration', duration, 'a finite number of seconds >= 0');
  writer.writeRecord('timer', operation, operationJson, 'duration', duration, undefined, record.success ?? true,
    `,"${field}":${encodeString(name)}`, record.attributes, record.error ?? undefined, false);
}
