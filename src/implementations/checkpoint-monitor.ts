import type { CheckpointRecord, MetricLogWriter } from '../interfaces.js';
import { LightweightPerformanceMonitor } from '../lightweight-monitor.js';
import type { ModuleMetricWriter } from '../logger-writer.js';
import { isDuration } from '../logger-writer.js';
import { asModuleWriter, checkCommon, isOptionalNonNegative } from './record-fields.js';

/**
 * Monitor of the `checkpoint` module: saves and loads of checkpoints, with their size in bytes.
 * @example getCheckpointMonitor().recordCheckpointSave({ duration: 0.5, size: 1024, success: true });
 */
export class CheckpointPerformanceMonitor extends LightweightPerformanceMonitor {
  readonly #writer: ModuleMetricWriter;

  constructor(logger?: MetricLogWriter) {
    super(logger, 'checkpoint');
    this.#writer = asModuleWriter(this.logger);
  }

  /**
   * Records a checkpoint save (operation `checkpoint_save`): `duration` in seconds, `size` in bytes.
   * Bad input drops the record (counted, reported through `onError`); with `strict: true` it throws.
   */
  recordCheckpointSave(record: CheckpointRecord): void {
    this.#record('checkpoint_save', '"checkpoint_save"', record);
  }

  /** Records a checkpoint load (operation `checkpoint_load`); same fields and rules as `recordCheckpointSave`. */
  recordCheckpointLoad(record: CheckpointRecord): void {
    this.#record('checkpoint_load', '"checkpoint_load"', record);
  }

  #record(operation: string, operationJson: string, record: CheckpointRecord): void {
    const writer = this.#writer;
    if (!checkCommon(writer, operation, record)) return;
    const { duration, size } = record;
    if (!isDuration(duration)) return writer.rejectNumber(operation, 'duration', duration, 'a finite number of seconds >= 0');
    if (!isOptionalNonNegative(size)) return writer.rejectNumber(operation, 'size', size, 'a finite number of bytes >= 0');
    writer.writeRecord('timer', operation, operationJson, 'duration', duration, size ?? undefined, record.success ?? true, '',
      record.attributes, record.error ?? undefined, false);
  }
}
