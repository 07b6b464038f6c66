/**
 * The one place a pipeline's sinks are chosen: the local files, then a user's `LoggerProvider` or, without one and
 * with `otlp.enabled`, perflog's own OTLP shipper (tailing the files, or a bounded memory queue when files are off).
 */
import { diag } from '@opentelemetry/api';
import { PerflogExportError, errorMessage, rateLimitedReporter } from '../errors.js';
import type { PerflogError } from '../errors.js';
import { FileTailer } from '../exporters/file-tailer.js';
import { MemoryQueue } from '../exporters/memory-queue.js';
import type { OpenFiles } from '../exporters/open-files.js';
import { OtlpSender } from '../exporters/otlp-sender.js';
import { OtlpShipper } from '../exporters/otlp-shipper.js';
import type { PerflogStats, ResolvedPerflogOptions } from '../interfaces.js';
import { FileSink } from './file-sink.js';
import { OtlpSink } from './otlp-sink.js';
import { ProviderSink } from './provider-sink.js';
import type { RecordSink } from './record-sink.js';

/**
 * Builds the sinks of one pipeline, in the order records reach them (the files first: the shipper reads them).
 * Never throws: a sink that cannot start is reported and left out. The file exporters join `openFiles`, the registry
 * of the factory they write for.
 */
export function createSinks(
  options: ResolvedPerflogOptions, stats: PerflogStats, report: (error: PerflogError) => void, openFiles: OpenFiles, after?: Promise<unknown>,
): RecordSink[] {
  const sinks: RecordSink[] = [];
  if (options.file.enabled) sinks.push(new FileSink(options, stats, report, openFiles));
  const otel = createOtelSink(options, stats, report, after);
  if (otel !== undefined) sinks.push(otel);
  return sinks;
}

/** `after`: the shipper waits for it before its first pass (the shipper it takes over from, shutting down). */
function createOtelSink(
  options: ResolvedPerflogOptions, stats: PerflogStats, report: (error: PerflogError) => void, after: Promise<unknown> | undefined,
): RecordSink | undefined {
  const limited = rateLimitedReporter(report);
  const reportLimited = (message: string, cause?: unknown): void =>
    limited(() => new PerflogExportError(cause === undefined ? message : `${message}: ${errorMessage(cause)}`, cause));
  try {
    const provider = options.loggerProvider;
    if (provider !== undefined) {
      if (options.otlp.enabled) diag.warn('perflog: otlp.enabled is ignored: records go to the loggerProvider given');
      return new ProviderSink(provider, options.otlp.genAiSemconv, stats,
        (error) => reportLimited('perflog: the LoggerProvider failed to take a record', error));
    }
    if (!options.otlp.enabled) return undefined;
    const sender = new OtlpSender(options.otlp, options.resource);
    const common = { sender, stats, timeoutMillis: options.otlp.timeoutMillis, report, after };
    if (options.file.enabled) {
      const tailer = new FileTailer(options.logDir, options.file.fileName);
      return new OtlpSink(new OtlpShipper({ ...common, spool: { kind: 'files', tailer } }), undefined);
    }
    const queue = new MemoryQueue(stats, () => reportLimited('perflog: the OTLP queue is full (collector unreachable?); records are being dropped'));
    return new OtlpSink(new OtlpShipper({ ...common, spool: { kind: 'memory', queue } }), queue);
  } catch (error) {
    reportLimited('perflog: OpenTelemetry export could not start', error);
    return undefined;
  }
}
