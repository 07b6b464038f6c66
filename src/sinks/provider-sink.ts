/**
 * The sink that emits every record into a user's OpenTelemetry `LoggerProvider`, synchronously, in the active
 * context (so the provider links it to the active span).
 */
import { SeverityNumber, context } from '@opentelemetry/api';
import type { Logger, LoggerProvider } from '@opentelemetry/api';
import type { PerflogStats } from '../interfaces.js';
import { PERFLOG_SCOPE_NAME, addGenAiAttributes, recordAttributes } from '../record-attributes.js';
import type { RecordMeta, RecordSink } from './record-sink.js';

/**
 * Emits records into a `LoggerProvider`: attributes are the line's fields, built from the written values without
 * parsing the line (plus the GenAI ones when asked), body the operation, severity INFO, timestamp the record's. A throwing provider is counted in `exportErrors`, never rethrown.
 * The provider is the user's: `flush()` and `shutdown()` leave it alone.
 */
export class ProviderSink implements RecordSink {
  readonly collectsAttributes = true;
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
  write(_line: string, meta: RecordMeta): void {
    try {
      const attributes = recordAttributes(meta);
      if (this.#genAi && meta.module === 'llm') addGenAiAttributes(attributes);
      this.#logger.emit({
        timestamp: meta.timeMs, observedTimestamp: meta.timeMs, severityNumber: SeverityNumber.INFO, severityText: 'INFO',
        body: meta.operation, attributes, context: context.active(),
      });
      this.#stats.recordsExported++;
    } catch (error) {
      this.#stats.exportErrors++;
      this.#report(error);
    }
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
