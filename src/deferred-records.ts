/**
 * Records whose values are taken when the call ends and whose lines are built in a batch with the file buffer's next
 * write (every 100 ms, `flush()`, `shutdown()`, `stats()`, the exit hook): the adapters' calls. A call's record then
 * costs the app a push, not a line built between two SDK calls, where every piece of the record path is out of the
 * CPU's caches; in the batch they stay in them. The loss bound is the file buffer's: the timer and the exit hook
 * write these records just before the buffered lines.
 */
import type { SpanContext } from '@opentelemetry/api';
import { INVALID_SPAN_CONTEXT, diag } from '@opentelemetry/api';
import { performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import type { OpenFiles } from './exporters/open-files.js';
import { currentRecordSpanContext, pinRecord, recordSpanContext, waitingRecords } from './logger-writer.js';

/** A record taken at a call's end and written later, at its time, with its span's ids. */
export interface DeferredRecord {
  /** When the call ended (`performance.now()`): the record's `timestamp` is the wall-clock time of that moment. */
  readonly endMs: number;
  /** Writes the record through its monitor; it is written at the time and with the ids the call ended with. */
  writeRecord(): void;
}

/** Records waiting at most; one more writes them all at once. */
export const MAX_DEFERRED_RECORDS = 1024;

/** @internal One factory's deferred records, written by its open-files registry before each flush of its files. */
export class DeferredRecords {
  #records: DeferredRecord[] = [];
  #contexts: SpanContext[] = [];
  #isWriting = false;
  readonly #openFiles: OpenFiles;

  constructor(openFiles: OpenFiles) {
    this.#openFiles = openFiles;
    openFiles.beforeFlush(() => this.writeAll());
  }

  /**
   * Takes `record` with the active span of now (its time is its `endMs`). In a worker thread, whose exit may skip the exit hook,
   * and with `sync` files, it is written at once instead.
   */
  add(record: DeferredRecord, sync: boolean): void {
    if (sync || !isMainThread) {
      record.writeRecord();
      return;
    }
    this.#records.push(record);
    this.#contexts.push(currentRecordSpanContext() ?? INVALID_SPAN_CONTEXT);
    if (this.#records.length === 1) {
      this.#markWaiting();
    } else if (this.#records.length >= MAX_DEFERRED_RECORDS) {
      this.writeAll();
    }
  }

  /** Writes every waiting record, in the order the calls ended; one that throws is reported and the rest written. */
  writeAll(): void {
    if (this.#isWriting || this.#records.length === 0) return;
    this.#isWriting = true;
    waitingRecords.delete(this);
    const outerContext = recordSpanContext.current;
    const records = this.#records;
    const contexts = this.#contexts;
    this.#records = [];
    this.#contexts = [];
    // one wall-clock reading per batch: each record's time is its end on the monotonic clock, moved onto the wall clock
    const wallMinusMonotonicMs = Date.now() - performance.now();
    try {
      for (let i = 0; i < records.length; i++) {
        pinRecord(Math.round(wallMinusMonotonicMs + records[i]!.endMs), contexts[i]);
        try {
          records[i]!.writeRecord();
        } catch (error) {
          diag.error('perflog: writing a deferred record failed', error);
        }
      }
    } finally {
      pinRecord(undefined, outerContext);
      this.#isWriting = false;
    }
    // records taken while these were written (a getter, an onError that recorded) wait for the next batch
    if (this.#records.length > 0) this.#markWaiting();
  }

  /** Records wait: a direct record writes them first, and the flush timer and the exit hook follow this owner. */
  #markWaiting(): void {
    waitingRecords.add(this);
    this.#openFiles.hold();
  }
}
