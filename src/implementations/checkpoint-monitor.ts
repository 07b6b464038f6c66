import type { CheckpointRecord, CheckpointWritesRecord, MetricLogWriter } from '../interfaces.js';
import { LightweightPerformanceMonitor } from '../lightweight-monitor.js';
import type { ModuleMetricWriter } from '../logger-writer.js';
import { isDuration } from '../logger-writer.js';
import { asModuleWriter, checkCommon, isCount, isOptionalNonNegative } from './record-fields.js';

/**
 * Monitor of the `checkpoint` module: saves and loads of checkpoints and saves of pending writes, with their size in bytes.
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
    if (checkCommon(this.#writer, 'checkpoint_save', record)) this.#record('checkpoint_save', '"checkpoint_save"', record, '');
  }

  /** Records a checkpoint load (operation `checkpoint_load`); same fields and rules as `recordCheckpointSave`. */
  recordCheckpointLoad(record: CheckpointRecord): void {
    if (checkCommon(this.#writer, 'checkpoint_load', record)) this.#record('checkpoint_load', '"checkpoint_load"', record, '');
  }

  /**
   * Records a save of pending writes (operation `checkpoint_save_writes`, a checkpointer's `putWrites`): `duration` in
   * seconds, `size` in bytes of the serialized values, `writes` how many (a whole number >= 0). Bad input drops the
   * record (counted, reported through `onError`); with `strict: true` it throws.
   * @example checkpoint.recordCheckpointSaveWrites({ duration: 0.002, size: 310, writes: 3 });
   */
  recordCheckpointSaveWrites(record: CheckpointWritesRecord): void {
    const operation = 'checkpoint_save_writes';
    if (!checkCommon(this.#writer, operation, record)) return;
    const { writes } = record;
    if (writes === undefined || writes === null || !isCount(writes)) {
      return this.#writer.rejectNumber(operation, 'writes', writes, 'a whole number >= 0');
    }
    this.#record(operation, '"checkpoint_save_writes"', record, `,"writes":${writes}`);
  }

  /** Writes a checked record; `fields` are the operation's own fields, already encoded. */
  #record(operation: string, operationJson: string, record: CheckpointRecord, fields: string): void {
    const writer = this.#writer;
    const { duration, size } = record;
    if (!isDuration(duration)) return writer.rejectNumber(operation, 'duration', duration, 'a finite number of seconds >= 0');
    if (!isOptionalNonNegative(size)) return writer.rejectNumber(operation, 'size', size, 'a finite number of bytes >= 0');
    writer.writeRecord('timer', operation, operationJson, 'duration', duration, size ?? undefined, record.success ?? true, fields,
      record.attributes, record.error ?? undefined, false);
  }
}
