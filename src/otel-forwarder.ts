/**
 * Emits every record into a user's OpenTelemetry `LoggerProvider`, synchronously, in the active context (so the
 * provider links it to the active span), and wires perflog's own OTLP shipper when there is no such provider.
 */
import { SeverityNumber, context, diag } from '@opentelemetry/api';
import type { Logger, LoggerProvider } from '@opentelemetry/api';
import { PerflogExportError, errorMessage, rateLimitedReporter } from './errors.js';
import type { PerflogError } from './errors.js';
import { FileTailer } from './exporters/file-tailer.js';
import { MemoryQueue } from './exporters/memory-queue.js';
import { OtlpSender, PERFLOG_SCOPE_NAME, addGenAiAttributes } from './exporters/otlp-exporter.js';
import type { RecordAttributes } from './exporters/otlp-exporter.js';
import { OtlpShipper } from './exporters/otlp-shipper.js';
import type { PerflogStats, ResolvedPerflogOptions } from './interfaces.js';
import type { RecordForwarder } from './logger-writer.js';

/**
 * Forwards records to a `LoggerProvider`: attributes are the line's fields (plus the GenAI ones when asked), body the
 * operation, severity INFO, timestamp the record's. A throwing provider is counted in `exportErrors`, never rethrown.
 */
export class ProviderForwarder implements RecordForwarder {
  readonly #logger: Logger;
  readonly #genAi: boolean;
  readonly #stats: PerflogStats;
  readonly #report: (error: unknown) => void;

  constructor(provider: LoggerProvider, genAi: boolean, stats: PerflogStats, report: (error: unknown) => void) {
    this.#logger = provider.getLogger(PERFLOG_SCOPE_NAME);
    this.#genAi = genAi;
    this.#stats = stats;
    this.#report = report;
  }

  /** Emits one record; never throws. */
  forward(line: string, module: string, operation: string, timeMs: number): void {
    try {
      const attributes = JSON.parse(line) as RecordAttributes;
      if (this.#genAi && module === 'llm') addGenAiAttributes(attributes);
      this.#logger.emit({
        timestamp: timeMs, observedTimestamp: timeMs, severityNumber: SeverityNumber.INFO, severityText: 'INFO',
        body: operation, attributes, context: context.active(),
      });
      this.#stats.recordsExported++;
    } catch (error) {
      this.#stats.exportErrors++;
      this.#report(error);
    }
  }
}

/** What a pipeline exports to besides its files. */
export interface OtelExport {
  readonly forwarder: RecordForwarder | undefined;
  readonly shipper: OtlpShipper | undefined;
}

/**
 * Builds the pipeline's OTel side: the user's provider (which replaces perflog's shipper), else, with `otlp.enabled`,
 * a shipper reading the module files (or a bounded memory queue when files are off). Never throws: a failure is
 * reported and OTel export is left off.
 */
export function createOtelExport(
  options: ResolvedPerflogOptions, stats: PerflogStats, report: (error: PerflogError) => void, after?: Promise<unknown>,
): OtelExport {
  const limited = rateLimitedReporter(report);
  const reportLimited = (message: string, cause?: unknown): void =>
    limited(() => new PerflogExportError(cause === undefined ? message : `${message}: ${errorMessage(cause)}`, cause));

  try {
    const provider = options.loggerProvider;
    if (provider !== undefined) {
      if (options.otlp.enabled) diag.warn('perflog: otlp.enabled is ignored: records go to the loggerProvider given');
      const forwarder = new ProviderForwarder(provider, options.otlp.genAiSemconv, stats,
        (error) => reportLimited('perflog: the LoggerProvider failed to take a record', error));
      return { forwarder, shipper: undefined };
    }
    if (!options.otlp.enabled) return { forwarder: undefined, shipper: undefined };
    const sender = new OtlpSender(options.otlp, options.resource);
    const common = { sender, stats, timeoutMillis: options.otlp.timeoutMillis, report, after };
    if (options.file.enabled) {
      const tailer = new FileTailer(options.logDir, options.file.fileName);
      return { forwarder: undefined, shipper: new OtlpShipper({ ...common, spool: { kind: 'files', tailer } }) };
    }
    const queue = new MemoryQueue(stats, () => reportLimited('perflog: the OTLP queue is full (collector unreachable?); records are being dropped'));
    return { forwarder: queue, shipper: new OtlpShipper({ ...common, spool: { kind: 'memory', queue } }) };
  } catch (error) {
    reportLimited('perflog: OpenTelemetry export could not start', error);
    return { forwarder: undefined, shipper: undefined };
  }
}
