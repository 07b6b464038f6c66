import { FieldEncoder, NO_FIELDS } from '../field-encoder.js';
import type { FieldValue } from '../field-encoder.js';
import type { CheckpointRecord, CheckpointWritesRecord, MetricLogWriter } from '../interfaces.js';
import { LightweightPerformanceMonitor } from '../lightweight-monitor.js';
import { isDuration } from '../logger-writer.js';
import { MonitorRecorder, isCount, isOptionalNonNegative } from './record-fields.js';

/** The own field of `checkpoint_save_writes` records. */
const WRITES_FIELDS = new FieldEncoder(['writes']);

/**
 * Monitor of the `checkpoint` module: saves and loads of checkpoints and saves of pending writes, with their size in bytes.
 * @example getCheckpointMonitor().recordCheckpointSave({ duration: 0.5, size: 1024, success: true });
 */
export class CheckpointPerformanceMonitor extends LightweightPerformanceMonitor {
  readonly #recorder: MonitorRecorder;
  readonly #writesRecorder: MonitorRecorder;

  constructor(logger?: MetricLogWriter) {
    super(logger, 'checkpoint');
    this.#recorder = new MonitorRecorder(this.logger, NO_FIELDS);
    this.#writesRecorder = new MonitorRecorder(this.logger, WRITES_FIELDS);
  }

  /**
   * Records a checkpoint save (operation `checkpoint_save`): `duration` in seconds, `size` in bytes.
   * Bad input drops the record (counted, reported through `onError`); with `strict: true` it throws.
   */
  recordCheckpointSave(record: CheckpointRecord): void {
    this.#record(this.#recorder, 'checkpoint_save', record, undefined);
  }

  /** Records a checkpoint load (operation `checkpoint_load`); same fields and rules as `recordCheckpointSave`. */
  recordCheckpointLoad(record: CheckpointRecord): void {
    this.#record(this.#recorder, 'checkpoint_load', record, undefined);
  }

  /**
   * Records a save of pending writes (operation `checkpoint_save_writes`, a checkpointer's `putWrites`): `duration` in
   * seconds, `size` in bytes of the serialized values, `writes` how many (a whole number >= 0). Bad input drops the
   * record (counted, reported through `onError`); with `strict: true` it throws.
   * @example checkpoint.recordCheckpointSaveWrites({ duration: 0.002, size: 310, writes: 3 });
   */
  recordCheckpointSaveWrites(record: CheckpointWritesRecord): void {
    const operation = 'checkpoint_save_writes';
    const recorder = this.#writesRecorder;
    if (!recorder.checkCommon(operation, record)) return;
    const { writes } = record;
    if (writes === undefined || writes === null || !isCount(writes)) {
      return recorder.rejectNumber(operation, 'writes', writes, 'a whole number >= 0');
    }
    this.#record(recorder, operation, record, writes);
  }

  /** Writes a checkpoint record; `writes` is the count of a `checkpoint_save_writes` record (checked), else undefined. */
  #record(recorder: MonitorRecorder, operation: string, record: CheckpointRecord, writes: number | undefined): void {
    if (writes === undefined && !recorder.checkCommon(operation, record)) return;
    const { duration, size, success, error, attributes } = record;
    if (!isDuration(duration)) return recorder.rejectNumber(operation, 'duration', duration, 'a finite number of seconds >= 0');
    if (!isOptionalNonNegative(size)) return recorder.rejectNumber(operation, 'size', size, 'a finite number of bytes >= 0');
    let fields: FieldValue[] | undefined;
    if (writes !== undefined) {
      fields = recorder.fields;
      fields[0] = writes;
    }
    recorder.write(fields, operation, duration, size ?? undefined, success ?? true, error ?? undefined, attributes);
  }
}
