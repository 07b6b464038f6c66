/**
 * Sends perflog records to one OTLP/HTTP endpoint with the stock exporter (`@opentelemetry/exporter-logs-otlp-http`),
 * classifying each outcome for the shipper: delivered, worth retrying, or refused for good.
 */
import type { Agent } from 'node:http';
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
const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318/v1/logs';

/** Past the deadline, connections are cut every this many milliseconds until the exporter reports... */
const CUT_GRACE_MILLIS = 100;
/** ...at most this many times (then the batch counts as to be retried). */
const MAX_CUTS = 20;

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
  readonly #timeoutMillis: number;
  /** The exporter's connections: cut when a request outlives its deadline (a collector trickling its answer). */
  #agent: Agent | undefined;

  constructor(options: Readonly<OtlpOptions>, resource: Resource | undefined) {
    this.#timeoutMillis = options.timeoutMillis;
    this.#exporter = new OTLPLogExporter({
      url: options.endpoint ?? DEFAULT_OTLP_ENDPOINT,
      headers: { ...options.headers },
      timeoutMillis: options.timeoutMillis,
      // loaded lazily, as the exporter asks, so an http instrumentation can patch the module first
      httpAgentOptions: async (protocol) => {
        const module = protocol === 'https:' ? await import('node:https') : await import('node:http');
        this.#agent = new module.Agent({ keepAlive: true });
        return this.#agent;
      },
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

  /**
   * Exports one batch; never rejects. `timeoutMillis` (at most the configured one) bounds the whole request, the
   * answer's body included: the exporter's own timeout only bounds a socket's idleness, which a collector sending
   * its answer a byte at a time never reaches. Past it the connection is cut and the outcome is the exporter's
   * verdict on the cut request (`ok` if the collector had already answered 2xx), else `retry`.
   */
  send(records: ReadableLogRecord[], timeoutMillis = this.#timeoutMillis): Promise<SendResult> {
    return new Promise((resolve) => {
      let isSettled = false;
      let timer: NodeJS.Timeout | undefined = undefined;
      let cuts = 0;
      const settle = (result: SendResult): void => {
        isSettled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const cut = (): void => {
        if (isSettled) return;
        // the exporter hears of the cut on the next turns of the event loop, and may have one last attempt waiting to
        // start: cut again until it gives its verdict, so no attempt of this batch outlives the call
        this.#cut();
        if (++cuts > MAX_CUTS) settle({ outcome: 'retry', error: new Error(`no complete answer within ${timeoutMillis} ms`) });
        else timer = setTimeout(cut, CUT_GRACE_MILLIS).unref();
      };
      try {
        this.#exporter.export(records, (result) => {
          if ((result.code as number) === 0 /* ExportResultCode.SUCCESS */) settle({ outcome: 'ok' });
          else settle({ outcome: isPermanent(result.error) ? 'rejected' : 'retry', error: result.error });
        });
      } catch (error) {
        settle({ outcome: 'retry', error });
      }
      if (!isSettled) timer = setTimeout(cut, Math.max(1, timeoutMillis)).unref();
    });
  }

  /** Releases the exporter and cuts a request still in flight, so no connection keeps the process alive. */
  shutdown(): void {
    this.#cut();
    this.#exporter.shutdown().catch(() => { /* the http transport has nothing left to release */ });
  }

  #cut(): void {
    this.#agent?.destroy();
  }
}

/** Whether an export error is an HTTP 4xx other than 408 (timeout) and 429 (throttled): sending it again cannot help. */
function isPermanent(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' && code >= 400 && code < 500 && code !== 408 && code !== 429;
}
