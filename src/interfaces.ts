import type { LoggerProvider } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { PerflogError } from './errors.js';

/** A value a record field may hold. `undefined` and `null` mean "leave the field out". */
export type AttributeValue = string | number | boolean | undefined | null;

/** User fields written after the module's own fields, in insertion order. */
export type Attributes = Readonly<Record<string, AttributeValue>>;

/** The kind of a metric record. */
export type MetricType = 'timer' | 'counter' | 'gauge';

/**
 * Writes metric records for one module (`checkpoint`, `llm`, your own).
 * Every call writes one line at once or drops the record (counted, reported through `onError`); it never throws
 * unless the factory was built with `strict: true`.
 */
export interface MetricLogWriter {
  /** The module every record of this writer carries. */
  readonly module: string;
  /**
   * Records a `timer`. `seconds` is the duration (>= 0). `attributes.success` (boolean) and `attributes.error` (string)
   * become the record's own `success` and `error` fields.
   */
  logTimer(operation: string, seconds: number, attributes?: Attributes): void;
  /** Records a `counter` with `value` (default 1). */
  logCounter(operation: string, value?: number, attributes?: Attributes): void;
  /** Records a `gauge` with `value`. */
  logGauge(operation: string, value: number, attributes?: Attributes): void;
}

/** What every monitor can do, whatever its type. */
export interface PerformanceMonitor {
  /** The module this monitor's records carry. */
  readonly module: string;
  /**
   * Runs `fn` (sync or async) and records its duration as a timer with `success`; returns what `fn` returns and
   * rethrows what it throws, after recording it with `success: false` and `error`.
   */
  time<T>(operation: string, fn: () => T, attributes?: Attributes): T;
  /** Starts a timer; the returned `end()` records it once (later calls do nothing). */
  startTimer(operation: string, attributes?: Attributes): (attributes?: Attributes) => void;
}

/** Common fields of the built-in `record...` calls. */
export interface RecordOptions {
  /** Whether the operation succeeded. @default true */
  success?: boolean | undefined;
  /** A short error type or message, written when `success` is false. */
  error?: string | undefined;
  /** User fields, written after the module's fields. */
  attributes?: Attributes | undefined;
}

/** `recordCheckpointSave` / `recordCheckpointLoad` input. */
export interface CheckpointRecord extends RecordOptions {
  /** Seconds, >= 0. */
  duration: number;
  /** Bytes, >= 0. */
  size?: number | undefined;
}

/** `recordLlmCall` input. */
export interface LlmCallRecord extends RecordOptions {
  model: string;
  provider: string;
  /** Seconds, >= 0; written as `duration`. */
  responseTime: number;
  /** Integer >= 0. */
  promptTokens?: number | undefined;
  /** Integer >= 0. */
  completionTokens?: number | undefined;
  /** Integer >= 0. */
  totalTokens?: number | undefined;
  /** Seconds, >= 0; written as `time_to_first_token`. */
  timeToFirstToken?: number | undefined;
}

/** `recordToolCall` input. */
export interface ToolCallRecord extends RecordOptions {
  tool: string;
  /** Seconds, >= 0. */
  duration: number;
}

/** `recordNodeExecution` input. */
export interface NodeExecutionRecord extends RecordOptions {
  node: string;
  /** Seconds, >= 0. */
  duration: number;
}

/** Counters of one pipeline; O(1) memory whatever the traffic. */
export interface PerflogStats {
  /** Records accepted and handed to the exporters (counted once, whatever their number). */
  recordsWritten: number;
  /** Records rejected (bad input, recorded after `shutdown()`) or lost with a failed write. */
  recordsDropped: number;
  /** Failed writes to a log file (each may carry many records). */
  writeErrors: number;
  /**
   * Failed exports: every failed request to a collector (each retry counts), every batch a collector refused for
   * good (4xx), every record a user's `LoggerProvider` threw on.
   */
  exportErrors: number;
  /** Bytes written to log files. */
  bytesWritten: number;
  /** Records a collector acknowledged (2xx) or that were emitted into the user's `LoggerProvider`. */
  recordsExported: number;
}

/** How a module's records reach its local file. */
export interface FileOptions {
  /** Write the local JSON-lines file. @default true */
  enabled: boolean;
  /**
   * File name inside `logDir`; `{module}` is replaced by the module (at most 4 times; the rest at most 128 UTF-8
   * bytes). A module that would make the name pass 200 bytes is cut and ends in `-` + 16 hex digits of its SHA-256,
   * so every name perflog derives from it stays within 255 bytes. @default "{module}_metrics.log"
   */
  fileName: string;
  /**
   * Rotate the active file before a write would take it past this size, in MiB (fractions allowed). A rotation never
   * splits a line; with several writers a file may end up larger by about one 64 KiB buffer per writer. @default 100
   */
  maxSizeMb: number;
  /**
   * Rotate on the first write in a new UTC hour or day (rotated files are named `<file>.2026-11-25T13.001` or
   * `<file>.2026-11-25.001`), or never by time. @default "daily"
   */
  rotateInterval: 'none' | 'hourly' | 'daily';
  /**
   * Write every record with its own `write(2)` instead of buffering. Always so in a worker thread, whose buffer an
   * exit of the main thread or `terminate()` would lose. @default false
   */
  sync: boolean;
}

/** Shipping records to an OpenTelemetry Collector over OTLP/HTTP. */
export interface OtlpOptions {
  /** @default false */
  enabled: boolean;
  /**
   * The full logs URL, as in `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`. Without it (and without the `OTEL_EXPORTER_OTLP_*`
   * variables, read by `getInstance()`/`configure()`): `http://localhost:4318/v1/logs`.
   */
  endpoint: string | undefined;
  /** Extra HTTP headers (`Authorization`, ...). @default {} */
  headers: Readonly<Record<string, string>>;
  /**
   * Timeout of one export request, in milliseconds; also the bound of `flush()`/`shutdown()` on a collector that
   * never answers (`shutdown()` resolves within this plus 1 s). @default 10000
   */
  timeoutMillis: number;
  /**
   * Add the OpenTelemetry GenAI attributes (`gen_ai.provider.name`, `gen_ai.request.model`, `gen_ai.operation.name`,
   * `gen_ai.usage.input_tokens`, `gen_ai.usage.output_tokens`) to the exported attributes of `llm_call` records,
   * after the flat fields. The local file line is not changed. @default false
   */
  genAiSemconv: boolean;
}

/** The retention cleaner's configuration (SPEC section 5). */
export interface LogCleanupConfig {
  /** Run the periodic cleanup. @default true */
  enabled: boolean;
  /** Files whose modification time is older than this many days are expired. @default 30 */
  retentionDays: number;
  /** Globs relative to `baseDir`. @default ["logs/*.log", "logs/*.log.*"] */
  logPatterns: string[];
  /** Report what would be deleted, delete nothing. @default false */
  dryRun: boolean;
  /** Hours between periodic runs. @default 24 */
  checkIntervalHours: number;
}

/** What one cleanup run did (or, in a dry run, would have done). */
export interface CleanupResult {
  /** Files deleted (in a dry run: that would have been). */
  filesDeleted: number;
  /** Their total size in bytes (in a dry run: that would have been freed). */
  bytesFreed: number;
  /** Files that could not be deleted, plus a folder that could not be read or a run that failed. */
  errors: number;
  /** How long the run took, in milliseconds. */
  durationMs: number;
  /** Whether this was a dry run (nothing deleted). */
  dryRun: boolean;
  /** Distinct files the patterns matched, expired or not (a file matched by two patterns counts once). */
  filesMatched: number;
  /** Matched, expired files left in place for safety: symlinks, a writer's open file, outside `baseDir`. */
  filesSkipped: number;
}

/** Options of a `PerformanceMonitorFactory`; nested objects are merged over the defaults. */
export interface PerflogOptions {
  /** Base of every relative path. @default process.cwd() */
  baseDir?: string | undefined;
  /** Directory of the metric files, relative to `baseDir`. @default "logs" */
  logDir?: string | undefined;
  file?: Partial<FileOptions> | undefined;
  otlp?: Partial<OtlpOptions> | undefined;
  /**
   * An existing OTel `LoggerProvider` (your SDK's) to emit every record into, synchronously, instead of perflog's own
   * OTLP shipper; your processors and exporters decide where records go. The local file is still written unless
   * `file.enabled` is false. perflog never shuts this provider down.
   */
  loggerProvider?: LoggerProvider | undefined;
  /**
   * The OTel resource of records perflog ships itself, merged over `OTEL_RESOURCE_ATTRIBUTES`/`OTEL_SERVICE_NAME`
   * (read by `getInstance()`/`configure()`) and the SDK's default resource (`service.name`, `telemetry.sdk.*`).
   */
  resource?: Resource | undefined;
  cleanup?: Partial<LogCleanupConfig> | undefined;
  /** Called for every dropped record and every write or export failure; must be cheap and must not throw. */
  onError?: ((error: PerflogError) => void) | undefined;
  /** Throw `TypeError`/`RangeError` on bad input instead of dropping the record. @default false */
  strict?: boolean | undefined;
}

/** The validated, frozen options a factory runs with. */
export interface ResolvedPerflogOptions {
  readonly baseDir: string;
  readonly logDir: string;
  readonly file: Readonly<FileOptions>;
  readonly otlp: Readonly<OtlpOptions>;
  readonly loggerProvider: LoggerProvider | undefined;
  readonly resource: Resource | undefined;
  readonly cleanup: Readonly<LogCleanupConfig>;
  readonly onError: ((error: PerflogError) => void) | undefined;
  readonly strict: boolean;
}
