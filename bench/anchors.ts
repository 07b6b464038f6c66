/**
 * The anchors every recording benchmark compares against (hotpath, rotation, memory), each built at the setting
 * its maintainers recommend for speed (bench/README.md says which guidance each follows). Every `flush` really
 * writes: it is timed inside the clock, so an anchor cannot leave its work for after the measurement.
 */
import { once } from 'node:events';
import { closeSync, openSync, writeSync } from 'node:fs';
import { SeverityNumber } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { ExportResultCode } from '@opentelemetry/core';
import type { LogRecordExporter, LogRecordProcessor, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { BatchLogRecordProcessor, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import pino from 'pino';

/** Bytes pino's destination gathers before a write: the value pino's docs use for its fast (buffered) mode. */
export const PINO_MIN_LENGTH = 4096;

/**
 * pino writing to a file through `pino.destination({ dest, sync, minLength: 4096 })`, `base: null` (no pid or
 * hostname, as perflog writes neither), opened (`'ready'`) before it is returned; `flush` is `flushSync()`.
 */
export async function pinoAnchor(path: string, sync: boolean) {
  const destination = pino.destination({ dest: path, sync, minLength: PINO_MIN_LENGTH, mkdir: true });
  await once(destination, 'ready');
  const logger = pino({ base: null }, destination);
  return {
    logger,
    settings: `pino.destination({ sync: ${sync}, minLength: ${PINO_MIN_LENGTH} }), base: null, after 'ready', flushSync() in the clock`,
    flush: (): void => destination.flushSync(),
    close: async (): Promise<void> => {
      destination.flushSync();
      destination.end();
      await once(destination, 'close');
    },
  };
}

/**
 * A JSON-lines file buffered like perflog's (64 KiB, `writeSync`): what the anchors' exporters write through, so a
 * comparison is of the pipelines, not of the I/O. `toJson` maps one exported item (a log record, a span) to its line's object.
 */
export class JsonLinesFile<T> {
  #buffer = '';
  readonly #fd: number;
  readonly #toJson: (item: T) => object;

  constructor(path: string, toJson: (item: T) => object) {
    this.#fd = openSync(path, 'a');
    this.#toJson = toJson;
  }

  /** The exporter's `export()`: every item as one line, then SUCCESS. */
  export(items: readonly T[], done: (result: ExportResult) => void): void {
    for (const item of items) {
      this.#buffer += `${JSON.stringify(this.#toJson(item))}\n`;
      if (this.#buffer.length >= 65536) this.flushSync();
    }
    done({ code: ExportResultCode.SUCCESS });
  }

  flushSync(): void {
    if (this.#buffer === '') return;
    writeSync(this.#fd, this.#buffer);
    this.#buffer = '';
  }

  forceFlush(): Promise<void> {
    this.flushSync();
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.flushSync();
    closeSync(this.#fd);
    return Promise.resolve();
  }
}

/** The stock OTel SDK's log exporter for the anchors: each record as `{ timestamp, ...attributes }`. */
export class JsonLinesFileExporter extends JsonLinesFile<ReadableLogRecord> implements LogRecordExporter {
  constructor(path: string) {
    super(path, (record) => ({ timestamp: record.hrTime[0] + record.hrTime[1] / 1e9, ...record.attributes }));
  }
}

/**
 * The stock OTel SDK pipeline: `LoggerProvider` + a processor + the JSON-lines file exporter. `batch` sizes a
 * `BatchLogRecordProcessor` to hold a whole round (`maxQueueSize` = records per round, nothing dropped), the
 * processor OTel recommends for production; without it, the `SimpleLogRecordProcessor` (export per record), which
 * OTel documents as a debugging aid, kept as a second line. `flush` is `forceFlush()` then the file write.
 */
export function otelSdkAnchor(path: string, batch: { recordsPerRound: number } | undefined) {
  const exporter = new JsonLinesFileExporter(path);
  const processor: LogRecordProcessor = batch === undefined
    ? new SimpleLogRecordProcessor({ exporter })
    : new BatchLogRecordProcessor({ exporter, maxQueueSize: batch.recordsPerRound, maxExportBatchSize: 512 });
  const provider = new LoggerProvider({ processors: [processor] });
  const logger = provider.getLogger('bench');
  return {
    settings: batch === undefined
      ? 'LoggerProvider + SimpleLogRecordProcessor (export per record; OTel: for debugging) + buffered JSON-lines exporter'
      : `LoggerProvider + BatchLogRecordProcessor({ maxQueueSize: ${batch.recordsPerRound}, maxExportBatchSize: 512 }) + buffered JSON-lines exporter, forceFlush() in the clock`,
    emit: (operation: string, attributes: Record<string, string | number | boolean>): void =>
      logger.emit({ body: operation, severityNumber: SeverityNumber.INFO, severityText: 'INFO', timestamp: Date.now(), attributes }),
    flush: async (): Promise<void> => {
      await provider.forceFlush();
      exporter.flushSync();
    },
    close: () => provider.shutdown(),
  };
}

/**
 * The floor: a serializer written by hand for each record (concatenation, `JSON.stringify` for strings only), a
 * 64 KiB string buffer and one `writeSync` per 64 KiB. No validation, no options, no rotation: the least work that
 * writes these JSON lines from Node, and so the limit for this record format.
 */
export class FloorWriter {
  static readonly settings = 'hand-written serializer per record + 64 KiB string buffer + writeSync (no validation, no rotation)';
  #buffer = '';
  readonly #fd: number;

  constructor(path: string) {
    this.#fd = openSync(path, 'a');
  }

  checkpoint(record: { duration: number; size: number; success: boolean }): void {
    this.#append(`{"timestamp":${Date.now() / 1000},"metric_type":"timer","operation":"checkpoint_save","duration":${record.duration}`
      + `,"size":${record.size},"success":${record.success},"module":"checkpoint"}\n`);
  }

  llm(record: { model: string; provider: string; responseTime: number; promptTokens: number; completionTokens: number; totalTokens: number; success: boolean }): void {
    this.#append(`{"timestamp":${Date.now() / 1000},"metric_type":"timer","operation":"llm_call","duration":${record.responseTime}`
      + `,"success":${record.success},"module":"llm","model":${JSON.stringify(record.model)},"provider":${JSON.stringify(record.provider)}`
      + `,"prompt_tokens":${record.promptTokens},"completion_tokens":${record.completionTokens},"total_tokens":${record.totalTokens}}\n`);
  }

  #append(line: string): void {
    this.#buffer += line;
    if (this.#buffer.length >= 65536) this.flush();
  }

  flush(): void {
    if (this.#buffer === '') return;
    writeSync(this.#fd, this.#buffer);
    this.#buffer = '';
  }

  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}
