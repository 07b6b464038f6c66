import { NO_FIELDS } from '../field-encoder.js';
import type { CheckpointRecord, MetricLogWriter } from '../interfaces.js';
import { LightweightPerformanceMonitor } from '../lightweight-monitor.js';
import { isDuration } from '../logger-writer.js';
import { MonitorRecorder, isOptionalNonNegative } from './record-fields.js';

/**
 * Monitor of the `checkpoint` module: saves and loads of checkpoints, with their size in bytes.
 * @example getCheckpointMonitor().recordCheckpointSave({ duration: 0.5, size: 1024, success: true });
 */
export class CheckpointPerformanceMonitor extends LightweightPerformanceMonitor {
  readonly #recorder: MonitorRecorder;

  constructor(logger?: MetricLogWriter) {
    super(logger, 'checkpoint');
    this.#recorder = new MonitorRecorder(this.logger, NO_FIELDS);
  }

  /**
   * Records a checkpoint save (operation `checkpoint_save`): `duration` in seconds, `size` in bytes.
   * Bad input drops the record (counted, reported through `onError`); with `strict: true` it throws.
   */
  recordCheckpointSave(record: CheckpointRecord): void {
    this.#record('checkpoint_save', record);
  }

  /** Records a checkpoint load (operation `checkpoint_load`); same fields and rules as `recordCheckpointSave`. */
  recordCheckpointLoad(record: CheckpointRecord): void {
    this.#record('checkpoint_load', record);
  }

  #record(operation: string, record: CheckpointRecord): void {
    const recorder = this.#recorder;
    if (!recorder.checkCommon(operation, record)) return;
    const { duration, size } = record;
    if (!isDuration(duration)) return recorder.rejectNumber(operation, 'duration', duration, 'a finite number of seconds >= 0');
    if (!isOptionalNonNegative(size)) return recorder.rejectNumber(operation, 'size', size, 'a finite number of bytes >= 0');
    recorder.write({
      metricType: 'timer', operation, measure: duration, size: size ?? undefined, success: record.success ?? true,
      attributes: record.attributes, error: record.error ?? undefined,
    });
  }
}
