/**
 * The background OTLP shipper: takes batches from a spool (the module files, or the memory queue when files are off),
 * sends them, and moves the spool's position only once the collector answered 2xx (or refused the batch for good).
 * Never on the hot path; never throws.
 */
import { mkdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { diag } from '@opentelemetry/api';
import { STALE_LOCK_MILLIS, acquireLease } from './file-lock.js';
import { PerflogExportError, errorMessage } from '../errors.js';
import type { PerflogError } from '../errors.js';
import type { PerflogStats } from '../interfaces.js';
import type { FileBatch, FileIdentity, FileTailer } from './file-tailer.js';
import type { MemoryQueue, QueueBatch } from './memory-queue.js';
import type { OtlpSender } from './otlp-sender.js';
import { RateLimit } from '../rate-limit.js';

/** How often the spool is checked for new lines while all is shipped. */
export const POLL_INTERVAL_MILLIS = 500;
/** First wait after a failed send; doubled after each further failure (with ±20% jitter), up to the maximum. */
export const INITIAL_BACKOFF_MILLIS = 500;
/** Longest wait between two attempts while the collector is away. */
export const MAX_BACKOFF_MILLIS = 5000;
/** `shutdown()` resolves at most this long after `timeoutMillis`. */
export const SHUTDOWN_MARGIN_MILLIS = 500;

/** A spool: where batches come from and where their position is moved once sent. */
export type Spool =
  | { readonly kind: 'files'; readonly tailer: FileTailer }
  | { readonly kind: 'memory'; readonly queue: MemoryQueue };

type Batch = FileBatch | QueueBatch;

/** What a shipper needs from its pipeline. */
export interface ShipperOptions {
  readonly spool: Spool;
  readonly sender: OtlpSender;
  /** The pipeline's counters: `recordsExported`, `exportErrors`. */
  readonly stats: PerflogStats;
  /** `otlp.timeoutMillis`: the bound of `flush()` and `shutdown()`. */
  readonly timeoutMillis: number;
  /** Hands an export failure to `onError` (the pipeline's `report`). */
  readonly report: (error: PerflogError) => void;
  /** Shipping (and `flush()`) waits for this first: the shipper this one takes over from, shutting down. */
  readonly after?: Promise<unknown> | undefined;
}

/**
 * Ships a spool to a collector. With files, only the process holding `<logDir>/.perflog-otlp-offsets.json.lock`
 * ships (several processes may write the same files); the others take over if it dies.
 */
export class OtlpShipper {
  readonly #spool: Spool;
  readonly #sender: OtlpSender;
  readonly #stats: PerflogStats;
  readonly #timeoutMillis: number;
  readonly #report: (error: PerflogError) => void;
  #timer: NodeJS.Timeout | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #backoffMs = INITIAL_BACKOFF_MILLIS;
  #release: (() => Promise<void>) | undefined;
  #isClosed = false;
  /** Diag warnings of failed passes: at most one per `REPORT_INTERVAL_MILLIS`. */
  readonly #warnings = new RateLimit();

  constructor(options: ShipperOptions) {
    this.#spool = options.spool;
    this.#sender = options.sender;
    this.#stats = options.stats;
    this.#timeoutMillis = options.timeoutMillis;
    this.#report = options.report;
    if (options.after !== undefined) this.#queue = options.after.catch(() => undefined);
    this.#schedule(0);
  }

  /** Ships what is pending now (no retry after a failure); resolves within `timeoutMillis` plus a margin. */
  flush(): Promise<void> {
    if (this.#isClosed) return Promise.resolve();
    return this.#bounded(this.#serial(() => this.#drain(Date.now() + this.#timeoutMillis, false)).then(() => undefined));
  }

  /**
   * Ships what is pending (as `flush()`), then stops and releases the lock; within `timeoutMillis` plus a margin.
   * A request still in flight then is cut, so nothing of the shipper keeps the process alive.
   */
  shutdown(): Promise<void> {
    this.#isClosed = true;
    clearTimeout(this.#timer);
    const deadlineMs = Date.now() + this.#timeoutMillis;
    const done = this.#serial(async () => {
      await this.#drain(deadlineMs, false);
    });
    return this.#bounded(done).then(async () => {
      this.#sender.shutdown();
      await this.#unlock();
    });
  }

  /**
   * Whether the file `path` (with its `stat` figures) still holds records this shipper's folder has not shipped;
   * false for files it does not ship (other folders, other names, the memory spool).
   */
  isUnshipped(path: string, file: FileIdentity): Promise<boolean> {
    const spool = this.#spool;
    if (spool.kind === 'memory' || dirname(path) !== dirname(spool.tailer.statePath)) return Promise.resolve(false);
    return spool.tailer.isUnshipped(basename(path), file, this.#release !== undefined);
  }

  #schedule(delayMs: number): void {
    if (this.#isClosed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#serial(async () => {
        let delayMs = POLL_INTERVAL_MILLIS;
        try {
          const caughtUp = await this.#drain(Number.POSITIVE_INFINITY, true);
          if (caughtUp === true) this.#backoffMs = INITIAL_BACKOFF_MILLIS;
          else if (caughtUp === false) delayMs = this.#nextBackoff();
        } finally {
          this.#schedule(delayMs); // even after a failed pass (reported by #serial): shipping never stops for good
        }
      });
    }, delayMs).unref();
  }

  /** Runs passes one after the other, never two at once; a pass never rejects. */
  #serial<T>(pass: () => Promise<T>): Promise<T | undefined> {
    const run = this.#queue.then(pass).catch((error: unknown) => {
      this.#warn(`perflog: OTLP shipping failed: ${errorMessage(error)}`);
      return undefined;
    });
    this.#queue = run;
    return run;
  }

  /**
   * Sends batches until the spool is empty (true), a send fails (false) or the deadline passes (false);
   * `undefined` when another process holds the shipping lock. A background pass also stops at `shutdown()`, which
   * then ships the rest within its own deadline.
   */
  async #drain(deadlineMs: number, isBackground: boolean): Promise<boolean | undefined> {
    if (!(await this.#ensureLock())) return undefined;
    if (this.#spool.kind === 'files') await this.#spool.tailer.beginPass();
    while (Date.now() < deadlineMs && !(isBackground && this.#isClosed)) {
      const batch = await this.#nextBatch();
      if (batch === undefined) return true;
      const { records, skipped } = this.#sender.toRecords(batch.lines);
      if (skipped > 0) this.#warn(`perflog: skipped ${skipped} unreadable line(s) while shipping over OTLP`);
      if (records.length > 0) {
        const result = await this.#sender.send(records, Math.min(this.#timeoutMillis, deadlineMs - Date.now()));
        if (result.outcome !== 'ok') {
          this.#stats.exportErrors++;
          const error = new PerflogExportError(
            `perflog: OTLP export of ${records.length} record(s) failed${result.outcome === 'retry' ? ', will retry' : ' for good (not retried)'}: ${errorMessage(result.error)}`,
            result.error,
          );
          this.#warn(error.message);
          this.#report(error);
          if (result.outcome === 'retry') return false;
        } else {
          this.#stats.recordsExported += records.length;
        }
      }
      await this.#commit(batch);
    }
    return false;
  }

  #nextBatch(): Promise<Batch | undefined> {
    const spool = this.#spool;
    return spool.kind === 'files' ? spool.tailer.next() : Promise.resolve(spool.queue.next());
  }

  async #commit(batch: Batch): Promise<void> {
    const spool = this.#spool;
    // a shipper that lost (or gave up) the lock meanwhile must not write over the new holder's positions
    if (spool.kind === 'files') {
      if (this.#release !== undefined) await spool.tailer.commit(batch as FileBatch);
    }
    else spool.queue.commit(batch as QueueBatch);
  }

  /** Takes the shipping lock (files only) and loads the saved positions; false when another process holds it. */
  async #ensureLock(): Promise<boolean> {
    const spool = this.#spool;
    if (spool.kind === 'memory' || this.#release !== undefined) return true;
    const path = spool.tailer.statePath;
    try {
      await mkdir(dirname(path), { recursive: true });
      const release = acquireLease(`${path}.lock`, STALE_LOCK_MILLIS, (error) => {
        this.#release = undefined;
        this.#warn(errorMessage(error));
      });
      if (release === undefined) return false;
      this.#release = () => Promise.resolve(release());
    } catch (error) {
      this.#warn(`perflog: cannot take the OTLP shipping lock on ${path}.lock: ${errorMessage(error)}`);
      return false;
    }
    try {
      await spool.tailer.load();
    } catch (error) {
      // never ship without the saved positions: that would send the files again from where this process started
      this.#warn(`perflog: cannot load the OTLP offsets ${path}: ${errorMessage(error)}`);
      await this.#unlock();
      return false;
    }
    return true;
  }

  async #unlock(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    await release?.().catch(() => undefined);
  }

  #nextBackoff(): number {
    const delay = this.#backoffMs * (0.8 + Math.random() * 0.4);
    this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MILLIS);
    return delay;
  }

  /** Resolves when `work` does or `timeoutMillis` plus a margin has passed; the timer holds the process meanwhile. */
  #bounded(work: Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#timeoutMillis + SHUTDOWN_MARGIN_MILLIS);
    });
    return Promise.race([work.then(() => undefined), limit]).finally(() => clearTimeout(timer));
  }

  #warn(message: string): void {
    if (this.#warnings.allows()) diag.warn(message);
  }
}
