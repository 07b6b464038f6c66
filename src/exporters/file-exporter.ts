/**
 * The local JSON-lines exporter: one append-only file per module, whole lines only.
 * @internal
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { PerflogWriteError } from '../errors.js';
import type { PerflogStats } from '../interfaces.js';

/** Characters buffered before a write; the documented loss bound of the buffered mode. */
export const BUFFER_CHARS = 64 * 1024;
/** The buffer is written out at least this often. */
export const FLUSH_INTERVAL_MILLIS = 100;

/** What a file exporter needs from its pipeline. */
export interface FileExporterOptions {
  /** Absolute path of the active file. */
  readonly path: string;
  /** One `write(2)` per record instead of buffering. */
  readonly sync: boolean;
  /** The pipeline's counters: `bytesWritten`, `writeErrors`, `recordsDropped`. */
  readonly stats: PerflogStats;
  /** Reports a write failure (the pipeline rate-limits and forwards to `onError`). */
  readonly report: (error: Error) => void;
}

const live = new Set<FileExporter>();
let flushTimer: NodeJS.Timeout | undefined;

function flushLive(): void {
  for (const exporter of live) exporter.flushSync();
}

function track(exporter: FileExporter): void {
  if (live.size === 0) {
    flushTimer = setInterval(flushLive, FLUSH_INTERVAL_MILLIS).unref();
  }
  live.add(exporter);
}

function untrack(exporter: FileExporter): void {
  live.delete(exporter);
  if (live.size === 0 && flushTimer !== undefined) {
    clearInterval(flushTimer);
    flushTimer = undefined;
  }
}

/**
 * Whether a writer of this process has `path` (absolute) open as its active file; the cleaner never deletes it.
 * @internal
 */
export function isOpenByWriter(path: string): boolean {
  for (const exporter of live) if (exporter.path === path) return true;
  return false;
}

// 'exit' runs for process.exit(), the end of the event loop, and uncaught exceptions and rejections: writes here
// are synchronous, so nothing buffered is lost on any normal exit.
process.on('exit', flushLive);

/**
 * Appends encoded lines to one file. Lines are gathered in a string buffer and written whole with one
 * `writeSync` on an `O_APPEND` descriptor, so a line is never split across writes and never interleaved with
 * another process's lines. A failed write drops the buffered records (counted) and the file is reopened on the
 * next flush, recreating the directory if needed.
 */
export class FileExporter {
  readonly path: string;
  #buffer = '';
  #pending = 0;
  #fd = -1;
  #closed = false;
  readonly #limit: number;
  readonly #stats: PerflogStats;
  readonly #report: (error: Error) => void;

  constructor(options: FileExporterOptions) {
    this.path = options.path;
    this.#limit = options.sync ? 0 : BUFFER_CHARS;
    this.#stats = options.stats;
    this.#report = options.report;
    track(this);
  }

  /** Queues one encoded line (ending in `\n`); writes the buffer once it is full. */
  write(line: string): void {
    this.#buffer += line;
    this.#pending++;
    if (this.#buffer.length >= this.#limit) this.flushSync();
  }

  /** Writes out everything buffered, synchronously. Never throws: failures are counted and reported. */
  flushSync(): void {
    if (this.#pending === 0) return;
    const data = Buffer.from(this.#buffer);
    const records = this.#pending;
    this.#buffer = '';
    this.#pending = 0;
    try {
      if (this.#fd < 0) this.#open();
      let offset = 0;
      while (offset < data.length) offset += writeSync(this.#fd, data, offset);
      this.#stats.bytesWritten += data.length;
    } catch (error) {
      this.#stats.writeErrors++;
      this.#stats.recordsDropped += records;
      this.#closeFd();
      this.#report(new PerflogWriteError(this.path, records, error));
    }
  }

  /** Flushes and closes the file; later writes are ignored by the pipeline. */
  close(): void {
    if (this.#closed) return;
    this.flushSync();
    this.#closed = true;
    this.#closeFd();
    untrack(this);
  }

  #open(): void {
    try {
      this.#fd = openSync(this.path, 'a');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(dirname(this.path), { recursive: true });
      this.#fd = openSync(this.path, 'a');
    }
  }

  #closeFd(): void {
    if (this.#fd < 0) return;
    try {
      closeSync(this.#fd);
    } catch {
      // already gone (EBADF after a fault): nothing left to release
    }
    this.#fd = -1;
  }
}
