/**
 * The one interface every destination of records implements (after OpenTelemetry's `MultiLogRecordProcessor` and
 * pino's `multistream`): the writer encodes a record once and hands the line, with the record's values, to each sink
 * of its pipeline.
 */
import type { FieldEncoder, FieldValue } from '../field-encoder.js';
import type { MetricType } from '../interfaces.js';
import type { FileIdentity } from '../exporters/file-tailer.js';
import type { AttributePairs } from '../record-encoder.js';

/**
 * What a sink knows of a record besides its line: every value written, without parsing the line. Valid only during
 * `write()`: the writer reuses the object for its next record.
 */
export interface RecordMeta {
  readonly metricType: MetricType;
  /** The record's `operation`. */
  readonly operation: string;
  /** `duration` in seconds for a timer, `value` for a counter or gauge. */
  readonly measure: number;
  readonly size: number | undefined;
  /** The encoder of `fields` (their names). */
  readonly encoder: FieldEncoder;
  /**
   * The values of the module's own fields, in the order of `encoder.names` (`undefined`: left out). The monitor's
   * reused array: a copy when a sink of the pipeline collects (`collectsAttributes`), so only such a sink may keep it.
   */
  readonly fields: readonly FieldValue[] | undefined;
  /** The record's `module`. */
  readonly module: string;
  /** The record's `timestamp`, in epoch milliseconds (the line holds it in seconds). */
  readonly timeMs: number;
  /** `success` as written (a timer's `success` attribute lifted). */
  readonly success: boolean | undefined;
  /** `error` as written. */
  readonly error: string | undefined;
  /** The user attributes as written, when a sink of the pipeline asked for them (`collectsAttributes`). */
  readonly attributes: AttributePairs | undefined;
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
}

/**
 * A destination of records: the local files, a user's `LoggerProvider`, the OTLP shipper.
 * `write` is on the hot path: synchronous, never throws (a failure is counted and reported by the sink itself).
 * `flush` and `shutdown` never reject; `shutdown` is called once, after which `write` is not called again.
 */
export interface RecordSink {
  /** Whether `write` needs `meta.attributes` (collecting them costs the hot path; only the provider sink asks). */
  readonly collectsAttributes?: boolean;
  /** Takes one record: `line` is its JSON line, `\n`-terminated. */
  write(line: string, meta: RecordMeta): void;
  /** Brings what was written so far to its destination. */
  flush(): Promise<void>;
  /** Flushes and releases what the sink holds. */
  shutdown(): Promise<void>;
  /** Whether the sink still needs the log file at `path` (the OTLP shipper: lines not shipped yet); absent: never. */
  isUnshipped?(path: string, file: FileIdentity): Promise<boolean>;
}
