/**
 * The records of the adapters' calls, whose values are taken when a call ends and whose lines are built in a batch
 * with the file buffer's next write (every 100 ms, `flush()`, `shutdown()`, `stats()`, the exit hook). A call's record
 * then costs the app a few pushes, not a line built between two SDK calls, where every piece of the record path is
 * out of the CPU's caches; in the batch they stay in them. The loss bound is the file buffer's: the timer and the exit
 * hook write these records just before the buffered lines.
 */
import type { SpanContext } from '@opentelemetry/api';
import { INVALID_SPAN_CONTEXT, diag } from '@opentelemetry/api';
import { isMainThread } from 'node:worker_threads';
import { monotonicMs } from './clock.js';
import type { OpenFiles } from './exporters/open-files.js';
import type { CallRecorder } from './llm-call-values.js';
import { CALL_SLOTS, END_MS, recordCallValues } from './llm-call-values.js';
import { currentRecordSpanContext, pinRecord, recordSpanContext, waitingRecords } from './logger-writer.js';

/** Records waiting at most; one more writes them all at once. */
export const MAX_DEFERRED_RECORDS = 1024;

/** Waiting calls, column by column: `CALL_SLOTS` numbers, 3 texts (model, provider, error), a monitor, a span each. */
class CallBatch {
  /** Numbers only (absent ones are `NaN`): V8 keeps them unboxed, side by side. */
  readonly numbers: number[] = [];
  readonly texts: Array<string | undefined> = [];
  readonly monitors: CallRecorder[] = [];
  readonly contexts: SpanContext[] = [];

  get size(): number {
    return this.monitors.length;
  }

  clear(): void {
    this.numbers.length = 0;
    this.texts.length = 0;
    this.monitors.length = 0;
    this.contexts.length = 0;
  }
}

/** @internal One factory's deferred records, written by its open-files registry before each flush of its files. */
export class DeferredRecords {
  #batch = new CallBatch();
  /** The batch written last, emptied: the next one to fill (calls that end while one is written go to the other). */
  #spare: CallBatch | undefined;
  #isWriting = false;
  readonly #openFiles: OpenFiles;
  readonly #onFailure: (error: unknown) => void;

  /** `onFailure` counts and reports a record that could not be written (it never throws). */
  constructor(openFiles: OpenFiles, onFailure: (error: unknown) => void) {
    this.#openFiles = openFiles;
    this.#onFailure = onFailure;
    openFiles.beforeFlush(() => this.writeAll());
  }

  /**
   * Takes the record of a call that ended now, with the active span of now (its time is its `END_MS` slot): `values`
   * holds its numbers (llm-call-values.ts) and is read before this returns. In a worker thread, whose exit may skip
   * the exit hook, and with `sync` files, it is written at once instead.
   */
  add(
    llm: CallRecorder, model: string, provider: string, error: string | undefined, values: ArrayLike<number>, sync: boolean,
  ): void {
    if (sync || !isMainThread) {
      recordCallValues(llm, model, provider, values, 0, error);
      return;
    }
    const batch = this.#batch;
    const numbers = batch.numbers;
    for (let i = 0; i < CALL_SLOTS; i++) numbers.push(values[i]!);
    batch.texts.push(model, provider, error);
    batch.monitors.push(llm);
    batch.contexts.push(currentRecordSpanContext() ?? INVALID_SPAN_CONTEXT);
    if (batch.size === 1) {
      this.#markWaiting();
    } else if (batch.size >= MAX_DEFERRED_RECORDS) {
      this.writeAll();
    }
  }

  /** Writes every waiting record, in the order the calls ended; one that fails is reported and the rest written. */
  writeAll(): void {
    const batch = this.#batch;
    if (this.#isWriting || batch.size === 0) return;
    this.#isWriting = true;
    waitingRecords.delete(this);
    this.#batch = this.#spare ?? new CallBatch();
    this.#spare = undefined;
    const outerContext = recordSpanContext.current;
    const { numbers, texts, monitors, contexts } = batch;
    // one wall-clock reading per batch: each record's time is its end on the monotonic clock, moved onto the wall clock
    const wallMinusMonotonicMs = Date.now() - monotonicMs();
    try {
      for (let i = 0; i < monitors.length; i++) {
        const at = i * CALL_SLOTS;
        pinRecord(Math.round(wallMinusMonotonicMs + numbers[at + END_MS]!), contexts[i]);
        try {
          recordCallValues(monitors[i]!, texts[3 * i]!, texts[3 * i + 1]!, numbers, at, texts[3 * i + 2]);
        } catch (error) {
          this.#reportFailure(error);
        }
      }
    } finally {
      pinRecord(undefined, outerContext);
      batch.clear();
      this.#spare = batch;
      this.#isWriting = false;
    }
    // records taken while these were written (a sink or an onError that recorded) wait for the next batch
    if (this.#batch.size > 0) this.#markWaiting();
  }

  #reportFailure(error: unknown): void {
    try {
      this.#onFailure(error);
    } catch (failure) {
      diag.error('perflog: writing a deferred record failed', failure);
    }
  }

  /** Records wait: a direct record writes them first, and the flush timer and the exit hook follow this owner. */
  #markWaiting(): void {
    waitingRecords.add(this);
    this.#openFiles.hold();
  }
}
