/**
 * The hot path: a call becomes one OpenTelemetry-shaped record, encoded once as a JSON line, handed to the sinks.
 * Synchronous; never throws into the app unless `strict` is on.
 */
import type { SpanContext } from '@opentelemetry/api';
import { INVALID_SPAN_CONTEXT, isSpanContextValid, trace } from '@opentelemetry/api';
import type { DropReason } from './errors.js';
import { PerflogRecordError } from './errors.js';
import { NO_FIELDS } from './field-encoder.js';
import type { FieldEncoder, FieldValue } from './field-encoder.js';
import type { Attributes, MetricLogWriter, MetricType } from './interfaces.js';
import { epochSecondsText, numberText } from './number-text.js';
import type { Pipeline } from './pipeline.js';
import { MAX_RECORD_BYTES, encodeAttributes, encodeString } from './record-encoder.js';
import type { AttributePairs, AttributeProblem, LiftedFields } from './record-encoder.js';
import type { RecordMeta, RecordSink } from './sinks/record-sink.js';

/**
 * perflog's `MetricLogWriter`: writes the records of one module into a factory's pipeline.
 * Get one from `factory.getWriter(module)`; built-in and custom monitors record through it.
 */
export class ModuleMetricWriter implements MetricLogWriter {
  readonly module: string;
  /** `,"module":"<module>"`, encoded once; and with `success` before it, the way most records carry them. */
  readonly #moduleField: string;
  readonly #succeededModule: string;
  readonly #failedModule: string;
  readonly #lookup: (module: string) => ModuleMetricWriter;
  #pipeline: Pipeline;
  #sinks: readonly RecordSink[];
  #collects: boolean;
  // the last operation and metric type, and the record's text from `metric_type` to the measure's name: a monitor
  // repeats a few operations, so most records skip the escaping and the concatenation
  #lastOperation = '';
  #lastMetricType: MetricType | '' = '';
  #lastHead = '';
  // the last measure and its text: a hot loop often repeats one value
  #lastMeasure = Number.NaN;
  #lastMeasureText = '';
  // one meta object reused record after record (sinks read it only during write()); a record written while the sinks
  // are being called (a sink that records, re-entrantly) gets its own, so the outer record's meta stays intact
  readonly #meta = new WriterMeta();
  #isDispatching = false;

  /** @internal `lookup` returns the owning factory's writer of another module. */
  constructor(pipeline: Pipeline, module: string, lookup: (module: string) => ModuleMetricWriter) {
    this.module = module;
    this.#moduleField = `,"module":${encodeString(module)}`;
    this.#succeededModule = `,"success":true${this.#moduleField}`;
    this.#failedModule = `,"success":false${this.#moduleField}`;
    this.#lookup = lookup;
    this.#pipeline = pipeline;
    this.#sinks = pipeline.sinks;
    this.#collects = pipeline.collectsAttributes;
  }

  /** The same factory's writer for another module. */
  forModule(module: string): ModuleMetricWriter {
    return module === this.module ? this : this.#lookup(module);
  }

  /** @internal Moves this writer (and every monitor holding it) to a new pipeline. */
  attach(pipeline: Pipeline): void {
    this.#pipeline = pipeline;
    this.#sinks = pipeline.sinks;
    this.#collects = pipeline.collectsAttributes;
  }

  logTimer(operation: string, seconds: number, attributes?: Attributes): void {
    if (typeof operation !== 'string') return this.reject('invalid_type', String(operation), 'operation', operation, 'a string');
    if (!isDuration(seconds)) return this.rejectNumber(operation, 'seconds', seconds, 'a finite number of seconds >= 0');
    this.#write(NO_FIELDS, undefined, 'timer', operation, seconds, undefined, true, undefined, attributes, true);
  }

  logCounter(operation: string, value = 1, attributes?: Attributes): void {
    if (typeof operation !== 'string') return this.reject('invalid_type', String(operation), 'operation', operation, 'a string');
    if (!Number.isFinite(value)) return this.rejectNumber(operation, 'value', value, 'a finite number');
    this.#write(NO_FIELDS, undefined, 'counter', operation, value, undefined, undefined, undefined, attributes, false);
  }

  logGauge(operation: string, value: number, attributes?: Attributes): void {
    if (typeof operation !== 'string') return this.reject('invalid_type', String(operation), 'operation', operation, 'a string');
    if (!Number.isFinite(value)) return this.rejectNumber(operation, 'value', value, 'a finite number');
    this.#write(NO_FIELDS, undefined, 'gauge', operation, value, undefined, undefined, undefined, attributes, false);
  }

  /**
   * @internal Writes one timer record of a built-in monitor, whose own values the caller validated; its attributes
   * are checked here (a bad one drops the record). `fields` holds the values of `encoder`'s fields (the monitor type's
   * own); it may be an array the caller reuses: it is read before any user code runs, and copied when a sink keeps it.
   * Plain parameters, no record object: the hot path allocates nothing but the line.
   */
  writeTimer(
    encoder: FieldEncoder, fields: readonly FieldValue[] | undefined, operation: string, seconds: number, size: number | undefined,
    success: boolean, error: string | undefined, attributes: Attributes | undefined,
  ): void {
    this.#write(encoder, fields, 'timer', operation, seconds, size, success, error, attributes, false);
  }

  /** With `lift`, `success`/`error` attributes become the record's own fields (`logTimer`, `time()`). */
  #write(
    encoder: FieldEncoder, fields: readonly FieldValue[] | undefined, metricType: MetricType, operation: string, measure: number,
    size: number | undefined, success: boolean | undefined, error: string | undefined, attributes: Attributes | null | undefined,
    lift: boolean,
  ): void {
    const pipeline = this.#pipeline;
    if (pipeline.isClosed) return this.reject('shutdown', operation, undefined, undefined, '');
    // the module fields first: attribute getters (user code) may record through the same monitor, whose reused
    // array then holds that record's values
    const fieldsJson = fields === undefined ? '' : encoder.encode(fields);
    let userFields = '';
    let collected: AttributePairs | undefined;
    if (this.#collects && fields !== undefined) fields = fields.slice();
    // records of ended calls go first, so that each file's lines stay in the order their calls and records ended;
    // after the fields are read: writing them fills the monitors' reused arrays
    if (waitingRecords.size !== 0 && pinnedTime.ms === undefined) writeWaitingRecords();
    if (attributes !== undefined && attributes !== null) {
      const lifted: LiftedFields | undefined = lift ? { success: undefined, error: undefined } : undefined;
      if (this.#collects) collected = [];
      const encoded = encodeAttributes(attributes, encoder.reserved, lifted, collected);
      if (typeof encoded !== 'string') return this.#rejectAttribute(operation, encoded);
      userFields = encoded;
      if (lifted !== undefined) {
        if (lifted.success !== undefined) success = lifted.success;
        if (lifted.error !== undefined) error = lifted.error;
      }
    }
    if (operation !== this.#lastOperation || metricType !== this.#lastMetricType) {
      this.#lastOperation = operation;
      this.#lastMetricType = metricType;
      this.#lastHead = `,"metric_type":"${metricType}","operation":${encodeString(operation)},${metricType === 'timer' ? '"duration":' : '"value":'}`;
    }
    const timeMs = pinnedTime.ms ?? Date.now();
    if (timeMs !== clock.ms) {
      clock.ms = timeMs;
      clock.text = `{"timestamp":${epochSecondsText(timeMs)}`;
    }
    if (measure !== this.#lastMeasure) {
      this.#lastMeasure = measure;
      this.#lastMeasureText = numberText(measure);
    }
    let line = clock.text + this.#lastHead + this.#lastMeasureText;
    if (size !== undefined) line += `,"size":${size}`;
    line += success === undefined ? this.#moduleField : success ? this.#succeededModule : this.#failedModule;
    if (fieldsJson !== '') line += fieldsJson;
    if (userFields !== '') line += userFields;
    if (error !== undefined) line += `,"error":${encodeString(error)}`;
    let traceId: string | undefined;
    let spanId: string | undefined;
    const context = currentRecordSpanContext();
    // a deferred record taken outside any span carries INVALID_SPAN_CONTEXT: no need to test its ids
    if (context !== undefined && context !== INVALID_SPAN_CONTEXT && isSpanContextValid(context)) {
      traceId = context.traceId;
      spanId = context.spanId;
      line += `,"trace_id":"${traceId}","span_id":"${spanId}"`;
    }
    line += '}\n';
    // a line's bytes are between its length and three times it: only a long one is measured
    if (line.length > MAX_RECORD_BYTES / 3 && Buffer.byteLength(line) > MAX_RECORD_BYTES) return this.#rejectSize(operation, line);
    const isNested = this.#isDispatching;
    const meta = isNested ? new WriterMeta() : this.#meta;
    meta.metricType = metricType;
    meta.operation = operation;
    meta.measure = measure;
    meta.size = size;
    meta.encoder = encoder;
    meta.fields = fields;
    meta.module = this.module;
    meta.timeMs = timeMs;
    meta.success = success;
    meta.error = error;
    meta.attributes = collected;
    meta.traceId = traceId;
    meta.spanId = spanId;
    this.#isDispatching = true;
    const sinks = this.#sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.write(line, meta);
    this.#isDispatching = isNested;
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
    const strict = pipeline.options.strict && reason !== 'shutdown';
    // a flood of bad records costs a counter each, not an error object with its stack, while nobody would see it
    if (!strict && pipeline.dropUnseen()) return;
    const detail = reason === 'shutdown'
      ? 'the factory was shut down'
      : reason === 'reserved_attribute'
        ? `attribute "${field}" would overwrite a record field of the same name`
        : `${field} must be ${expected} (got ${show(value)})`;
    if (strict) {
      const message = `perflog: ${detail} (operation "${operation}")`;
      throw reason === 'out_of_range' || reason === 'record_too_large' ? new RangeError(message) : new TypeError(message);
    }
    pipeline.drop(new PerflogRecordError(reason, operation, field, detail));
  }

  #rejectSize(operation: string, line: string): void {
    this.reject('record_too_large', operation, 'record', `${Buffer.byteLength(line)} bytes`, `at most ${MAX_RECORD_BYTES} bytes encoded`);
  }

  #rejectAttribute(operation: string, problem: AttributeProblem): void {
    this.reject(problem.reason, operation, `attributes.${problem.key}`, problem.value, 'a string, a finite number or a boolean');
  }
}

/** The writer's `RecordMeta`, filled for each record. */
class WriterMeta implements RecordMeta {
  metricType: MetricType = 'counter';
  operation = '';
  measure = 0;
  size: number | undefined = undefined;
  encoder: FieldEncoder = NO_FIELDS;
  fields: readonly FieldValue[] | undefined = undefined;
  module = '';
  timeMs = 0;
  success: boolean | undefined = undefined;
  error: string | undefined = undefined;
  attributes: AttributePairs | undefined = undefined;
  traceId: string | undefined = undefined;
  spanId: string | undefined = undefined;
}

/**
 * @internal The ids a record is written with instead of the active span's: `PerflogSpanProcessor` records an ended
 * span with that span's own ids, which need not be active (nor any context manager registered).
 */
export const recordSpanContext: { current: SpanContext | undefined } = { current: undefined };

/** @internal The queues of deferred records (deferred-records.ts) that hold records. */
export const waitingRecords = new Set<{ writeAll(): void }>();

function writeWaitingRecords(): void {
  for (const queue of waitingRecords) queue.writeAll();
}

/** The time (epoch ms) the next records are written with instead of now: a deferred record's (deferred-records.ts). */
const pinnedTime: { ms: number | undefined } = { ms: undefined };

/**
 * @internal Pins the time and the span context the next records are written with (a deferred record's, taken when
 * its call ended); `pinRecord(undefined, outer)` unpins the time and puts back the context that was pinned before.
 */
export function pinRecord(timeMs: number | undefined, context: SpanContext | undefined): void {
  pinnedTime.ms = timeMs;
  recordSpanContext.current = context;
}

/**
 * @internal The slot where `@opentelemetry/api` 1.x keeps its globals (the context manager, the tracer provider, ...):
 * `Symbol.for('opentelemetry.js.api.<major>')`, read by the API's own lookup first. Until something registers a global
 * there, no span can be active (the API's context is then always the root one). The `1` is the major of the
 * `@opentelemetry/api` perflog depends on; test/otel-integration.test.ts fails if the API keeps its globals elsewhere.
 */
export const OTEL_API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

/**
 * @internal The span context a record written now carries: the pinned one, else the active span's. Before any OTel
 * global exists the API's lookup is skipped: it would give no span, at the price of several calls across the API's
 * modules, which run out of the CPU's caches between an app's calls (about 1 µs per LLM call, measured in bench/llm).
 */
export function currentRecordSpanContext(): SpanContext | undefined {
  const pinned = recordSpanContext.current;
  if (pinned !== undefined) return pinned;
  if ((globalThis as Record<symbol, unknown>)[OTEL_API_GLOBAL] == null) return undefined;
  return trace.getActiveSpan()?.spanContext();
}

/** The last millisecond seen and a line's start up to it (`{"timestamp":<seconds>`): records made in the same millisecond share one number-to-text. */
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
