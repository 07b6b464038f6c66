/**
 * The local JSON-lines exporter: one append-only file per module, whole lines only, rotated by size and UTC period.
 */
import { closeSync, fstatSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { PerflogWriteError } from '../errors.js';
import type { PerflogStats } from '../interfaces.js';
import type { DescriptorBudget, DescriptorHolder } from './descriptor-budget.js';
import { lockSync } from './file-lock.js';
import { NEWLINE, countLines, encodeLines, makeDirectory, releaseLines } from './file-system.js';
import type { RotateInterval } from './rotation.js';
import type { OpenFile, OpenFiles } from './open-files.js';
import { reportAfterExitFlush } from './open-files.js';
import { lockPathOf, periodLabel, periodMillis, rotateFile } from './rotation.js';

/** Characters buffered before a write; the documented loss bound of the buffered mode. */
export const BUFFER_CHARS = 64 * 1024;
/** After a failed rotation, the next attempt waits this long (writing goes on meanwhile). */
const ROTATE_RETRY_MILLIS = 1000;
/** How long a flush waits for another writer's rotation to finish before writing to the file it holds. */
const LOCK_WAIT_MILLIS = 2;
/** A worker thread (one write per record) checks its path at most this often; deleted or rotated files are followed. */
export const WORKER_CHECK_MILLIS = 5;

/** What a file exporter needs from its pipeline. */
export interface FileExporterOptions {
  /** Absolute path of the active file. */
  readonly path: string;
  /** One `write(2)` per record instead of buffering; always so in a worker thread, whose buffer an exit would lose. */
  readonly sync: boolean;
  /** The pipeline's counters: `bytesWritten`, `writeErrors`, `recordsDropped`. */
  readonly stats: PerflogStats;
  /** Reports a write failure (the pipeline rate-limits and forwards to `onError`). */
  readonly report: (error: PerflogWriteError) => void;
  /** Rotate before a write would take the active file past this many bytes. @default Infinity (never by size) */
  readonly maxBytes?: number | undefined;
  /** Rotate on the first write in a new UTC hour or day. @default "none" */
  readonly rotateInterval?: RotateInterval | undefined;
  /** The registry of the exporter's owner (its factory): the file is in it from construction to `close()`. */
  readonly openFiles: OpenFiles;
  /** @internal The clock (epoch milliseconds) that decides time rotation; tests inject one. @default Date.now */
  readonly now?: (() => number) | undefined;
}

/**
 * Appends encoded lines to one file. Lines are gathered in a string buffer and written whole with one
 * `writeSync` on an `O_APPEND` descriptor, so a line is never split across writes and never interleaved with
 * another process's lines. Once per flush (never per record) it checks by path that its descriptor still holds the
 * active file (another writer may have rotated it, someone may have deleted it or its directory) and reopens if
 * not, then rotates when the write would pass `maxBytes` or a new UTC period has begun. A failed write drops the
 * buffered records (counted and reported) and the file is reopened on the next flush, recreating the directory.
 * The exporters of a thread share at most `MAX_OPEN_FILES` descriptors (least recently written closed first),
 * whichever registry (factory) they belong to.
 */
export class FileExporter implements OpenFile, DescriptorHolder {
  readonly path: string;
  #buffer = '';
  #pending = 0;
  #fd = -1;
  #ino = 0;
  #dev = 0;
  /** Size of the active file at the last look (every writer's lines, not only ours). */
  #size = 0;
  /** Index of the UTC period the active file belongs to (0 without time rotation). */
  #period = 0;
  /** Whether the open file is a regular file that rotates (not `/dev/full`, a FIFO, or rotation switched off). */
  #rotates = false;
  /** Inode whose last line a failed partial write left unterminated; -1 when none. */
  #tornIno = -1;
  #rotateRetryAtMs = 0;
  /** When a worker thread next checks the path against the descriptor. */
  #checkAtMs = 0;
  #closed = false;
  readonly #limit: number;
  readonly #checkEveryMs: number;
  readonly #maxBytes: number;
  readonly #interval: RotateInterval;
  readonly #periodMs: number;
  readonly #lockPath: string;
  readonly #now: () => number;
  readonly #stats: PerflogStats;
  readonly #report: (error: PerflogWriteError) => void;
  readonly #openFiles: OpenFiles;
  readonly #descriptors: DescriptorBudget;

  constructor(options: FileExporterOptions) {
    this.path = options.path;
    this.#limit = options.sync || !isMainThread ? 0 : BUFFER_CHARS;
    this.#checkEveryMs = isMainThread ? 0 : WORKER_CHECK_MILLIS;
    this.#maxBytes = options.maxBytes ?? Infinity;
    this.#interval = options.rotateInterval ?? 'none';
    this.#periodMs = periodMillis(this.#interval);
    this.#lockPath = lockPathOf(options.path);
    this.#now = options.now ?? Date.now;
    this.#stats = options.stats;
    this.#report = options.report;
    this.#openFiles = options.openFiles;
    this.#descriptors = options.openFiles.descriptors;
    this.#openFiles.add(this);
  }

  /**
   * Queues one encoded line (ending in `\n`); writes the buffer once it is full, unless the owner's flush is about to
   * write it (a batch of deferred records is being written just before it: one write for the batch, not two).
   */
  write(line: string): void {
    this.#buffer += line;
    this.#pending++;
    if (this.#buffer.length >= this.#limit && !this.#openFiles.isWritingBeforeFlush) this.flushSync();
  }

  /** Writes out everything buffered, synchronously. Never throws: failures are counted and reported. */
  flushSync(): void {
    if (this.#pending === 0) return;
    const data = encodeLines(this.#buffer);
    const records = this.#pending;
    this.#buffer = '';
    this.#pending = 0;
    let offset = 0;
    try {
      this.#prepare(data.length);
      if (this.#tornIno === this.#ino) this.#terminateTornLine();
      while (offset < data.length) offset += writeSync(this.#fd, data, offset);
      this.#size += data.length;
      this.#stats.bytesWritten += data.length;
      releaseLines(data);
    } catch (error) {
      // A write that failed midway (disk full) leaves the lines before `offset` written, the one across it torn.
      const lost = records - countLines(data, offset);
      if (offset > 0 && data[offset - 1] !== NEWLINE) this.#tornIno = this.#ino;
      releaseLines(data);
      this.#stats.bytesWritten += offset;
      this.#stats.writeErrors++;
      this.#stats.recordsDropped += lost;
      this.#closeFd();
      this.#reportFailure(new PerflogWriteError(this.path, lost, error));
    }
  }

  /** Flushes and closes the file; later writes are ignored by the pipeline. */
  close(): void {
    if (this.#closed) return;
    this.flushSync();
    this.#closed = true;
    this.#closeFd();
    this.#openFiles.delete(this);
  }

  /** Makes sure the descriptor holds the active file and rotates it when due, before `bytes` more are written. */
  #prepare(bytes: number): void {
    if (this.#fd >= 0 && this.#isDue() && !this.#isActive()) this.#closeFd();
    if (this.#fd < 0) this.#open();
    else this.#descriptors.use(this);
    if (!this.#rotates) return;
    const period = this.#periodNow();
    if (period > this.#period || (this.#size > 0 && this.#size + bytes > this.#maxBytes)) {
      this.#rotate(period, bytes);
      if (this.#fd < 0) this.#open();
    }
  }

  /** Whether the path is to be checked against the descriptor now: every flush, or every few ms in a worker. */
  #isDue(): boolean {
    if (this.#checkEveryMs === 0) return true;
    const now = Date.now();
    if (now < this.#checkAtMs) return false;
    this.#checkAtMs = now + this.#checkEveryMs;
    return true;
  }

  /**
   * Whether the file at `path` is still the one the descriptor holds (one `stat`, which also gives its size). It is
   * not when another writer rotated it, or someone deleted or replaced it or its directory.
   */
  #isActive(): boolean {
    let onDisk;
    try {
      onDisk = statSync(this.path, { throwIfNoEntry: false });
    } catch {
      return false;
    }
    if (onDisk === undefined || onDisk.ino !== this.#ino || onDisk.dev !== this.#dev) return false;
    this.#size = onDisk.size;
    return true;
  }

  #open(): void {
    this.#descriptors.reserve();
    let fd: number;
    try {
      fd = openSync(this.path, 'a');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      makeDirectory(dirname(this.path));
      fd = openSync(this.path, 'a');
    }
    this.#fd = fd;
    this.#descriptors.use(this);
    const opened = fstatSync(fd);
    this.#ino = opened.ino;
    this.#dev = opened.dev;
    this.#size = opened.size;
    this.#rotates = opened.isFile() && (this.#maxBytes !== Infinity || this.#periodMs > 0);
    const now = this.#periodNow();
    // A file last written in an earlier period (by a process that stopped then) keeps that period, so the first
    // flush rotates it under its own date before adding anything.
    this.#period = opened.size > 0 && this.#periodMs > 0 ? Math.min(now, Math.floor(opened.mtimeMs / this.#periodMs)) : now;
  }

  #rotate(period: number, bytes: number): void {
    if (Date.now() < this.#rotateRetryAtMs) return;
    try {
      const release = lockSync(this.#lockPath, LOCK_WAIT_MILLIS);
      if (release === undefined) return; // another writer still rotating: this flush goes to the file we hold
      try {
        this.#rotateLocked(period, bytes);
      } finally {
        release();
      }
    } catch (error) {
      this.#rotateRetryAtMs = Date.now() + ROTATE_RETRY_MILLIS;
      this.#reportFailure(new PerflogWriteError(this.path, 0, error, 'rotate'));
    }
  }

  #rotateLocked(period: number, bytes: number): void {
    // Between our look and the lock another writer may have rotated already: then its new file is ours too.
    if (!this.#isActive()) {
      this.#closeFd();
      this.#open();
      return;
    }
    if (this.#size === 0) {
      this.#period = Math.max(this.#period, period); // still empty: it simply becomes the current period's file
      return;
    }
    if (period <= this.#period && this.#size + bytes <= this.#maxBytes) return;
    const labelMs = this.#periodMs > 0 ? this.#period * this.#periodMs : this.#now();
    rotateFile(this.path, periodLabel(this.#interval, labelMs));
    this.#closeFd();
    this.#open();
  }

  /** Reports a failure now, or once every file is flushed when the exit hook is running. */
  #reportFailure(error: PerflogWriteError): void {
    reportAfterExitFlush(() => this.#report(error));
  }

  #periodNow(): number {
    return this.#periodMs > 0 ? Math.floor(this.#now() / this.#periodMs) : 0;
  }

  #terminateTornLine(): void {
    writeSync(this.#fd, '\n');
    this.#tornIno = -1;
  }

  #closeFd(): void {
    if (this.#fd < 0) return;
    try {
      closeSync(this.#fd);
    } catch {
      // already gone (EBADF after a fault): nothing left to release
    }
    this.#fd = -1;
    this.#descriptors.release(this);
  }

  /** @internal The thread's descriptor budget takes this exporter's descriptor back; the next flush reopens the file. */
  releaseDescriptor(): void {
    this.#closeFd();
  }
}
