/**
 * The one interface every destination of records implements (after OpenTelemetry's `MultiLogRecordProcessor` and
 * pino's `multistream`): the writer encodes a record once and hands the line to each sink of its pipeline.
 */

/** What a sink knows of a record besides its line, without parsing the line. */
export interface RecordMeta {
  /** The record's `module`. */
  readonly module: string;
  /** The record's `operation` (an OTel record's body). */
  readonly operation: string;
  /** The record's `timestamp`, in epoch milliseconds. */
  readonly timeMs: number;
}

/**
 * A destination of records: the local files, a user's `LoggerProvider`, the OTLP shipper.
 * `write` is on the hot path: synchronous, never throws (a failure is counted and reported by the sink itself).
 * `flush` and `shutdown` never reject; `shutdown` is called once, after which `write` is not called again.
 */
export interface RecordSink {
  /** Takes one record: `line` is its JSON line, `\n`-terminated. */
  write(line: string, meta: RecordMeta): void;
  /** Brings what was written so far to its destination. */
  flush(): Promise<void>;
  /** Flushes and releases what the sink holds. */
  shutdown(): Promise<void>;
}
