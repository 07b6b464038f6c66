/**
 * Sends perflog records to one OTLP/HTTP endpoint with the stock exporter (`@opentelemetry/exporter-logs-otlp-http`),
 * classifying each outcome for the shipper: delivered, worth retrying, or refused for good.
 */
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { defaultResource } from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { OtlpOptions } from '../interfaces.js';
import { PERFLOG_SCOPE_NAME } from '../record-attributes.js';
import type { RecordAttributes } from '../record-attributes.js';
import { linesToAttributes, toLogRecord } from './line-to-log-record.js';
import type { Scope } from './line-to-log-record.js';

/** The OTLP/HTTP logs URL used when neither `otlp.endpoint` nor the environment names one. */
export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318/v1/logs';

/** How one export ended. `retry`: timeout, network error, 408, 429 or 5xx. `rejected`: any other 4xx (not retried). */
export type SendOutcome = 'ok' | 'retry' | 'rejected';

/** A send's outcome and, when it failed, why. */
export interface SendResult {
  readonly outcome: SendOutcome;
  readonly error?: unknown;
}

/**
 * Sends batches of perflog records to one OTLP/HTTP endpoint. The exporter's own short retries (429/502/503/504 and
 * network errors, within `timeoutMillis`) run inside one `send()`; the shipper retries the rest from the file.
 */
export class OtlpSender {
  readonly #exporter: OTLPLogExporter;
  readonly #resource: Resource;
  readonly #scope: Scope = { name: PERFLOG_SCOPE_NAME };
  readonly #genAi: boolean;

  constructor(options: Readonly<OtlpOptions>, resource: Resource | undefined) {
    this.#exporter = new OTLPLogExporter({
      url: options.endpoint ?? DEFAULT_OTLP_ENDPOINT,
      headers: { ...options.headers },
      timeoutMillis: options.timeoutMillis,
      // sends are serial, but the exporter frees its slot a tick after calling back: a limit of 1 refuses the next send
    });
    // one resource object for every record: the serializer groups records by resource identity
    this.#resource = resource === undefined ? defaultResource() : defaultResource().merge(resource);
    this.#genAi = options.genAiSemconv;
  }

  /**
   * Parses encoded lines into OTel log records. A line that is not a record is skipped and counted in `skipped`; when
   * a crash left a torn line and a later write continued it, the whole record after the tear is still recovered.
   */
  toRecords(lines: readonly string[]): { records: ReadableLogRecord[]; skipped: number } {
    const { attributes, skipped } = linesToAttributes(lines);
    return { records: attributes.map((one) => this.toRecord(one)), skipped };
  }

  /** One record: attributes as in the line, body the operation, severity INFO, time the record's `timestamp`. */
  toRecord(attributes: RecordAttributes): ReadableLogRecord {
    return toLogRecord(attributes, this.#resource, this.#scope, this.#genAi);
  }

  /** Exports one batch; never rejects. */
  send(records: ReadableLogRecord[]): Promise<SendResult> {
    return new Promise((resolve) => {
      try {
        this.#exporter.export(records, (result) => {
          if ((result.code as number) === 0 /* ExportResultCode.SUCCESS */) resolve({ outcome: 'ok' });
          else resolve({ outcome: isPermanent(result.error) ? 'rejected' : 'retry', error: result.error });
        });
      } catch (error) {
        resolve({ outcome: 'retry', error });
      }
    });
  }

  /** Releases the exporter (does not wait for a request in flight). */
  shutdown(): void {
    this.#exporter.shutdown().catch(() => { /* the http transport has nothing left to release */ });
  }
}

/** Whether an export error is an HTTP 4xx other than 408 (timeout) and 429 (throttled): sending it again cannot help. */
function isPermanent(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' && code >= 400 && code < 500 && code !== 408 && code !== 429;
}
