/**
 * The hot path: a call becomes one OpenTelemetry-shaped record, encoded once as a JSON line, handed to the sinks.
 * Synchronous; never throws into the app unless `strict` is on.
 */
import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { DropReason } from './errors.js';
import { PerflogRecordError } from './errors.js';
import type { Attributes, MetricLogWriter, MetricType } from './interfaces.js';
import type { Pipeline } from './pipeline.js';
import type { ReservedFields } from './record-encoder.js';
import { MODULE_FIELDS, attributeFailure, encodeAttributes, encodeString, liftedFields, reservedFields } from './record-encoder.js';
import type { RecordSink } from './sinks/record-sink.js';

/**
 * perflog's `MetricLogWriter`: writes the records of one module into a factory's pipeline.
 * Get one from `factory.getWriter(module)` or let a monitor pick the default factory's.
 */
export class ModuleMetricWriter implements MetricLogWriter {
  readonly module: string;
  readonly #moduleField: string;
  /** Names an attribute may not take in this module's own records (base fields and the module's fields). */
  readonly #reserved: ReservedFields;
  readonly #lookup: (module: string) => ModuleMetricWriter;
  #pipeline: Pipeline;
  #sinks: readonly RecordSink[];

  /** @internal `lookup` returns the owning factory's writer of another module. */
  constructor(pipeline: Pipeline, module: string, lookup: (module: string) => ModuleMetricWriter) {
    this.module = module;
    this.#moduleField = `,"module":${encodeString(module)}`;
    this.#reserved = reservedFields(MODULE_FIELDS[module]);
    this.#lookup = lookup;
    this.#pipeline = pipeline;
    this.#sinks = pipeline.sinks;
  }

  /** The same factory's writer for another module. */
  forModule(module: string): ModuleMetricWriter {
    return module === this.module ? this : this.#lookup(module);
  }

  /** @internal Moves this writer (and every monitor holding it) to a new pipeline. */
  attach(pipeline: Pipeline): void {
    this.#pipeline = pipeline;
    this.#sinks = pipeline.sinks;
  }

  logTimer(operation: string, seconds: number, attributes?: Attributes): void {
    if (typeof operation !== 'string') return this.reject('invalid_type', String(operation), 'operation', operation, 'a string');
    if (!isDuration(seconds)) return this.rejectNumber(operation, 'seconds', seconds, 'a finite number of seconds >= 0');
    this.writeRecord('timer', operation, encodeString(operation), 'duration', seconds, undefined, true, '', attributes, undefined, true);
  }

  logCounter(operation: string, value = 1, attributes?: Attributes): void {
    if (typeof operation !== 'string') return this.reject('invalid_type', String(operation), 'operation', operation, 'a string');
    if (!Number.isFinite(value)) return this.rejectNumber(operation, 'value', value, 'a finite number');
    this.writeRecord('counter', operation, encodeString(operation), 'value', value, undefined, undefined, '', attributes, undefined, false);
  }

  logGauge(operation: string, value: number, attributes?: Attributes): void {
    if (typeof operation !== 'string') return this.reject('invalid_type', String(operation), 'operation', operation, 'a string');
    if (!Number.isFinite(value)) return this.rejectNumber(operation, 'value', value, 'a finite number');
    this.writeRecord('gauge', operation, encodeString(operation), 'value', value, undefined, undefined, '', attributes, undefined, false);
  }

  /**
   * @internal Writes one validated record. `operationJson` is `operation` already encoded; `fields` the module's own
   * fields already encoded (`,"model":"gpt-4"`). With `lift`, `success`/`error` attributes become the record's own.
   */
  writeRecord(
    metricType: MetricType, operation: string, operationJson: string, measureKey: 'duration' | 'value', measure: number,
    size: number | undefined, success: boolean | undefined, fields: string, attributes: Attributes | undefined,
    error: string | undefined, lift: boolean,
  ): void {
    const pipeline = this.#pipeline;
    if (pipeline.isClosed) return this.reject('shutdown', operation, undefined, undefined, '');
    let userFields = '';
    if (attributes !== undefined && attributes !== null) {
      if (lift) liftedFields.success = liftedFields.error = undefined;
      // Generic records (no module fields) only collide with the base fields: `time(op, fn, { model })` is fine.
      const encoded = encodeAttributes(attributes, fields === '' ? BASE_RESERVED : this.#reserved, lift);
      if (encoded === undefined) return this.#rejectAttribute(operation);
      userFields = encoded;
      if (lift) {
        if (liftedFields.success !== undefined) success = liftedFields.success;
        if (liftedFields.error !== undefined) error = liftedFields.error;
      }
    }
    const timeMs = Date.now();
    if (timeMs !== clock.ms) {
      clock.ms = timeMs;
      clock.text = `${timeMs / 1000}`;
    }
    let line = `{"timestamp":${clock.text},"metric_type":"${metricType}","operation":${operationJson},"${measureKey}":${measure}`;
    if (size !== undefined) line += `,"size":${size}`;
    if (success !== undefined) line += `,"success":${success}`;
    line += this.#moduleField + fields + userFields;
    if (error !== undefined) line += `,"error":${encodeString(error)}`;
    const span = trace.getActiveSpan();
    if (span !== undefined) {
      const context = span.spanContext();
      if (isSpanContextValid(context)) line += `,"trace_id":"${context.traceId}","span_id":"${context.spanId}"`;
    }
    line += '}\n';
    const meta = { module: this.module, operation, timeMs };
    const sinks = this.#sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.write(line, meta);
    pipeline.stats.recordsWritten++;
  }

  /**
   * @internal Drops a record whose `field` (as the caller spelled it) holds a bad number: a `RangeError` in strict
   * mode when it is a number out of range, a `TypeError` when it is not a number at all.
   */
  rejectNumber(operation: string, field: string, value: unknown, expected: string): void {
    const kind: DropReason = typeof value === 'number' ? 'out_of_range' : 'invalid_type';
    this.reject(kind, operation, field, value, expected);
  }

  /** @internal Drops (or, in strict mode, throws for) one record. */
  reject(reason: DropReason, operation: string, field: string | undefined, value: unknown, expected: string): void {
    const pipeline = this.#pipeline;
    const detail = reason === 'shutdown'
      ? 'the factory was shut down'
      : reason === 'reserved_attribute'
        ? `attribute "${field}" would overwrite a record field of the same name`
        : `${field} must be ${expected} (got ${show(value)})`;
    if (pipeline.options.strict && reason !== 'shutdown') {
      const message = `perflog: ${detail} (operation "${operation}")`;
      throw reason === 'out_of_range' ? new RangeError(message) : new TypeError(message);
    }
    pipeline.drop(new PerflogRecordError(reason, operation, field, detail));
  }

  #rejectAttribute(operation: string): void {
    const { key, kind, value } = attributeFailure;
    this.reject(kind, operation, `attributes.${key}`, value, 'a string, a finite number or a boolean');
  }
}

const BASE_RESERVED = reservedFields();

/** The last millisecond seen and its encoding: records made in the same millisecond share one number-to-text. */
const clock = { ms: -1, text: '' };

/** @internal Whether a value is a valid duration in seconds. */
export function isDuration(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value !== Infinity;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}
