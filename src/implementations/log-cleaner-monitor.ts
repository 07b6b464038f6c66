import { FieldEncoder } from '../field-encoder.js';
import type { CleanupResult, MetricLogWriter } from '../interfaces.js';
import { LightweightPerformanceMonitor } from '../lightweight-monitor.js';
import { MonitorRecorder } from './record-fields.js';

/** The `log_cleaner` module's own fields, in the order they are written. */
const LOG_CLEANER_FIELDS = new FieldEncoder(['files_deleted', 'bytes_freed', 'errors', 'dry_run']);

/**
 * @internal Monitor of perflog's own `log_cleaner` module: one `log_cleanup` record per cleanup run (SPEC section 5).
 */
export class LogCleanerMonitor extends LightweightPerformanceMonitor {
  readonly #recorder: MonitorRecorder;

  constructor(logger?: MetricLogWriter) {
    super(logger, 'log_cleaner');
    this.#recorder = new MonitorRecorder(this.logger, LOG_CLEANER_FIELDS);
  }

  /** Records one run: `duration` its time in seconds, `success` whether it had no error. */
  recordCleanup(result: CleanupResult): void {
    const recorder = this.#recorder;
    const { fields } = recorder;
    fields[0] = result.filesDeleted;
    fields[1] = result.bytesFreed;
    fields[2] = result.errors;
    fields[3] = result.dryRun;
    recorder.write(fields, 'log_cleanup', result.durationMs / 1000, undefined, result.errors === 0, undefined, undefined);
  }
}
