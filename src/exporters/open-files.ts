/**
 * Which files are open, and for whom. Each owner of file exporters (a factory, a `PerflogFileLogRecordExporter`)
 * owns an `OpenFiles` registry of the active files its exporters hold; the cleaner asks its factory's. The thread
 * keeps only what is the thread's by nature: the 100 ms flush timer and the exit hook over every registry that
 * holds a file, and the descriptor budget (descriptor-budget.ts).
 */
import type { DescriptorBudget } from './descriptor-budget.js';
import { threadDescriptors } from './descriptor-budget.js';

/** The buffer is written out at least this often. */
export const FLUSH_INTERVAL_MILLIS = 100;

/** What a registry needs from a file exporter. */
export interface OpenFile {
  /** Absolute path of the active file. */
  readonly path: string;
  /** Writes out what is buffered; never throws. */
  flushSync(): void;
}

/** The registries of this thread that hold at least one file: the flush timer and the exit hook go through them. */
const live = new Set<OpenFiles>();
let flushTimer: NodeJS.Timeout | undefined;

/**
 * @internal The active files of one owner's exporters, from their creation to their `close()`. A file appears here
 * whether or not it holds a descriptor at the moment (the descriptor budget may have closed it for a while).
 */
export class OpenFiles {
  /** The thread's descriptor budget, shared with every other registry of the thread. */
  readonly descriptors: DescriptorBudget;
  readonly #files = new Set<OpenFile>();
  #beforeFlush: (() => void) | undefined;
  #isWritingBeforeFlush = false;

  constructor(descriptors: DescriptorBudget = threadDescriptors) {
    this.descriptors = descriptors;
  }

  /** Whether one of this owner's exporters has `path` (absolute, as the exporter was given it) as its active file. */
  isOpen(path: string): boolean {
    for (const file of this.#files) if (file.path === path) return true;
    return false;
  }

  /** Whether any writer of this thread has an active file: when not, `isOpenInThread` need not be asked. */
  isAnyOpenInThread(): boolean {
    return live.size > 0;
  }

  /** Whether a writer of this thread, this owner's or another's, has `path` as its active file (SPEC section 5). */
  isOpenInThread(path: string): boolean {
    if (this.isOpen(path)) return true;
    for (const registry of live) if (registry !== this && registry.isOpen(path)) return true;
    return false;
  }

  /** A file exporter was created. */
  add(file: OpenFile): void {
    this.#files.add(file);
    if (this.#files.size === 1) follow(this);
  }

  /** A file exporter was closed. */
  delete(file: OpenFile): void {
    if (!this.#files.delete(file)) return;
    if (this.#files.size === 0) unfollow(this);
  }

  /** Sets what runs before every flush of this owner's files: writing its deferred records (deferred-records.ts). */
  beforeFlush(write: () => void): void {
    this.#beforeFlush = write;
  }

  /** Keeps this owner in the flush timer and the exit hook, file or not, until its next flush: it has records to write. */
  hold(): void {
    follow(this);
  }

  /**
   * Whether the owner's deferred records are being written just before its files are flushed: a file buffer that
   * fills meanwhile need not be written on its own, the flush follows at once (no time passes in between).
   */
  get isWritingBeforeFlush(): boolean {
    return this.#isWritingBeforeFlush;
  }

  /** Writes out the owner's deferred records, then what every file of this owner buffers. */
  flushSync(): void {
    const isOutermost = !this.#isWritingBeforeFlush;
    this.#isWritingBeforeFlush = true;
    try {
      this.#beforeFlush?.(); // a nested flush finds the batch being written and writes nothing twice
    } finally {
      if (isOutermost) this.#isWritingBeforeFlush = false;
      for (const file of this.#files) file.flushSync();
    }
    if (this.#files.size === 0) unfollow(this);
  }
}

function follow(registry: OpenFiles): void {
  if (live.has(registry)) return;
  if (live.size === 0) flushTimer = setInterval(flushLive, FLUSH_INTERVAL_MILLIS).unref();
  live.add(registry);
}

function unfollow(registry: OpenFiles): void {
  live.delete(registry);
  if (live.size === 0 && flushTimer !== undefined) {
    clearInterval(flushTimer);
    flushTimer = undefined;
  }
}

function flushLive(): void {
  for (const registry of live) registry.flushSync();
}

/** Reports held back while the exit hook flushes; `undefined` outside it. */
let heldReports: Array<() => void> | undefined;

/**
 * @internal Runs `report` now, or once every file of the thread is flushed when the exit hook is running: an
 * `onError` that calls `process.exit()` ends the process at once, so reporting the first failure before the other
 * files were written would lose their lines.
 */
export function reportAfterExitFlush(report: () => void): void {
  if (heldReports === undefined) report();
  else heldReports.push(report);
}

function flushOnExit(): void {
  heldReports = [];
  flushLive();
  const reports = heldReports;
  heldReports = undefined;
  for (const report of reports) report();
}

// 'exit' runs for process.exit(), the end of the event loop, and uncaught exceptions and rejections: writes here
// are synchronous, so nothing buffered is lost on any normal exit. A worker thread ended by the main thread's exit or
// by terminate() never runs its 'exit' listeners: there every record is written through at once (see `sync`).
process.on('exit', flushOnExit);
