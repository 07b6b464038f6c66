/**
 * The anchors every hot-path benchmark compares against, built the way their users build them.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { SeverityNumber } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { ExportResultCode } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import pino from 'pino';

/** pino async (`pino.destination({ sync: false })`, `base: null`): its documented fast configuration. */
export function pinoAsync(path: string) {
  const destination = pino.destination({ dest: path, sync: false, mkdir: true });
  const logger = pino({ base: null }, destination);
  return {
    logger,
    flush: () => new Promise<void>((resolve) => destination.flush(() => resolve())),
    close: () => new Promise<void>((resolve) => {
      destination.once('close', () => resolve());
      destination.end();
    }),
  };
}

/**
 * A JSON-lines file exporter for the stock OTel SDK, buffered like perflog's (64 KiB, `writeSync`), so the
 * comparison is of the pipelines, not of the I/O.
 */
export class JsonLinesFileExporter implements LogRecordExporter {
  #buffer = '';
  readonly #fd: number;

  constructor(path: string) {
    this.#fd = openSync(path, 'a');
  }

  export(records: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    for (const record of records) {
      this.#buffer += `${JSON.stringify({ timestamp: record.hrTime[0] + record.hrTime[1] / 1e9, ...record.attributes })}\n`;
    }
    if (this.#buffer.length >= 65536) this.flushSync();
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

/** The stock OTel SDK pipeline: `LoggerProvider` + `SimpleLogRecordProcessor` + a JSON-lines file exporter. */
export function otelSdk(path: string) {
  const exporter = new JsonLinesFileExporter(path);
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger('bench');
  return {
    emit: (operation: string, attributes: Record<string, string | number | boolean>) =>
      logger.emit({ body: operation, severityNumber: SeverityNumber.INFO, severityText: 'INFO', timestamp: Date.now(), attributes }),
    flush: () => exporter.flushSync(),
    close: () => provider.shutdown(),
  };
}
