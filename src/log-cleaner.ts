/**
 * The retention cleaner: deletes the log files its globs match once their modification time is older than
 * `retentionDays`. It walks the folders the patterns can reach, one folder at a time through a handle opened once
 * (cleanup-folders.ts), so a folder swapped for a symlink mid-run cannot send a deletion outside the base directory.
 * Nothing about a file is kept once it has been handled, nor once a run ends.
 */
import { lstatSync, opendirSync, unlinkSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { diag } from '@opentelemetry/api';
import { closeFolder, hasFolderHandles, openBase, openChild } from './cleanup-folders.js';
import type { Folder } from './cleanup-folders.js';
import { CleanupPatterns } from './cleanup-patterns.js';
import { errorMessage } from './errors.js';
import { OpenFiles } from './exporters/open-files.js';
import { LogCleanerMonitor } from './implementations/log-cleaner-monitor.js';
import type { CleanupResult, LogCleanupConfig, MetricLogWriter } from './interfaces.js';
import { resolveOptions } from './options.js';

const DAY_MILLIS = 86_400_000;
/**
 * Folder entries handled between two turns of the event loop. Each costs a few system calls made synchronously:
 * a thread-pool round trip per call would cost more than the call itself, and a slice this size blocks the
 * application for well under a millisecond.
 */
const ENTRIES_PER_SLICE = 128;
/** Entries read from a folder at once: memory per open folder, whatever the folder holds. */
const LISTING_BUFFER = 128;
/** Days past the retention a file the OTLP shipper has not sent yet is kept for. */
const SHIPPING_GRACE_DAYS = 7;
/** `lstat` options, made once: the walk makes one call per matched file. */
const LSTAT_OPTIONS = { throwIfNoEntry: false } as const;

/** Where a cleaner works and reports. */
export interface LogCleanerOptions {
  /** Base of the patterns (relative to the working directory); nothing outside it is ever deleted. @default process.cwd() */
  baseDir?: string | undefined;
  /**
   * Receives each run's `log_cleanup` record (module `log_cleaner`).
   * @default the default factory's `log_cleaner` writer, as for monitors built without one
   */
  writer?: MetricLogWriter | undefined;
  /**
   * Whether an OTLP shipper still needs a file (it holds records not shipped yet): such an expired file is kept,
   * counted in `filesSkipped`, until it is older than `retentionDays` + 7 days. The factory passes its shipper's.
   * @internal
   */
  isUnshipped?: ((path: string, file: Stats) => Promise<boolean>) | undefined;
  /**
   * The registry of the factory the cleaner belongs to, asked which active files not to delete: its own, then those
   * of the other writers of the thread. The factory passes its own.
   * @default a registry of its own, holding no file, which asks the other writers of the thread
   * @internal
   */
  openFiles?: OpenFiles | undefined;
}

/** Options of one run. */
export interface CleanupRunOptions {
  /** Ends the run at the next file once aborted; a run ended this way writes no record. */
  signal?: AbortSignal | undefined;
}

/**
 * Deletes expired log files (SPEC section 5). A file is expired when its modification time is older than
 * `retentionDays` days. Safety rules: nothing outside `baseDir` is deleted (patterns are checked when the config is
 * built; each folder is opened once without following symlinks, checked to be inside `baseDir`, and its files are
 * deleted through that handle, so a folder swapped for a symlink mid-run changes nothing); symlinks are neither
 * followed nor deleted; the active file of a writer of this process (thread) is never deleted (the cleaner asks its
 * factory's open-files registry, which also knows the thread's other writers); a file that vanishes mid-run
 * is not an error; a file that cannot be deleted is counted in `errors` and the run goes on. Deleting needs
 * `/proc/self/fd` (Linux); elsewhere expired files are counted in `filesSkipped` and left in place.
 * @example
 * const cleaner = new LogCleaner({ retentionDays: 7, logPatterns: ['logs/*.log.*'] }, { baseDir: '/srv/app' });
 * const { filesDeleted, bytesFreed } = await cleaner.cleanupLogs();
 */
export class LogCleaner {
  /** The validated, frozen configuration, merged over `DEFAULT_CLEANUP_CONFIG`. */
  readonly config: Readonly<LogCleanupConfig>;
  /** The absolute base directory of the patterns. */
  readonly baseDir: string;
  /** `baseDir` ending in a separator: a file's path is this plus its relative path, with no `join` per file. */
  readonly #basePrefix: string;
  readonly #writer: MetricLogWriter | undefined;
  readonly #openFiles: OpenFiles;
  readonly #patterns: CleanupPatterns;
  readonly #isUnshipped: LogCleanerOptions['isUnshipped'];

  /**
   * Validates `config` (merged over `DEFAULT_CLEANUP_CONFIG`) before any I/O.
   * @throws {PerflogConfigError} when a config value is invalid, e.g. a pattern that is absolute or has a `..` segment.
   */
  constructor(config: Partial<LogCleanupConfig> = {}, options: LogCleanerOptions = {}) {
    const resolved = resolveOptions({ options: { baseDir: options.baseDir, cleanup: config } });
    this.config = resolved.cleanup;
    this.baseDir = resolved.baseDir;
    this.#basePrefix = withSeparator(this.baseDir);
    this.#writer = options.writer;
    this.#patterns = new CleanupPatterns(this.config.logPatterns);
    this.#isUnshipped = options.isUnshipped;
    this.#openFiles = options.openFiles ?? new OpenFiles();
  }

  /**
   * Runs once: walks the folders the patterns can reach, deletes (or, with `dryRun`, counts) the expired matches
   * and writes the run's record. Per-file failures are counted in `errors`, never thrown; it rejects only on an
   * unexpected failure.
   */
  async cleanupLogs(options: CleanupRunOptions = {}): Promise<CleanupResult> {
    const startMs = performance.now();
    const { dryRun } = this.config;
    const run: Run = {
      result: { filesDeleted: 0, bytesFreed: 0, errors: 0, durationMs: 0, dryRun, filesMatched: 0, filesSkipped: 0 },
      cutoffMs: Date.now() - this.config.retentionDays * DAY_MILLIS,
      realBase: '',
      realPrefix: '',
      firstError: undefined,
      sinceYield: 0,
      withoutHandle: 0,
      signal: options.signal,
    };
    const realBase = await realpathOrGone(this.baseDir);
    if (realBase !== undefined) {
      run.realBase = realBase;
      run.realPrefix = withSeparator(realBase);
      let base: Folder | undefined;
      try {
        base = openBase(realBase, hasFolderHandles());
      } catch (error) {
        if (!isGone(error)) fail(run, error);
      }
      if (base !== undefined) {
        try {
          await this.#walk(run, base);
        } finally {
          closeFolder(base);
        }
      }
    }
    run.result.durationMs = performance.now() - startMs;
    if (run.firstError !== undefined) {
      diag.warn(`perflog: log cleanup had ${run.result.errors} error(s); the first: ${errorMessage(run.firstError)}`);
    }
    if (run.withoutHandle > 0 && !hasFolderHandles()) {
      diag.warn(`perflog: log cleanup deletes only through /proc/self/fd, which this system lacks: ${run.withoutHandle} expired file(s) left in place`);
    }
    if (options.signal?.aborted !== true) this.#record(run.result);
    return run.result;
  }

  /** Handles one folder's entries, entering the sub-folders a pattern can reach (depth first, one listing each). */
  async #walk(run: Run, folder: Folder): Promise<void> {
    let listing;
    try {
      listing = opendirSync(folder.ioPath, { bufferSize: LISTING_BUFFER });
    } catch (error) {
      if (!isGone(error)) fail(run, error);
      return;
    }
    try {
      for (let entry = listing.readSync(); entry !== null; entry = listing.readSync()) {
        if (++run.sinceYield >= ENTRIES_PER_SLICE) {
          run.sinceYield = 0;
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (run.signal?.aborted === true) return;
        const { name } = entry;
        if (entry.isDirectory()) {
          await this.#enter(run, folder, name);
          continue;
        }
        const asking = this.#handle(run, folder, name);
        if (asking !== undefined) await asking;
        if (entry.isSymbolicLink() && this.#patterns.isNamedFolder([...folder.segments, name])) await this.#enter(run, folder, name);
      }
    } catch (error) {
      // a folder that cannot be read further ends its own listing; what was handled so far stands
      if (!isGone(error)) fail(run, error);
    } finally {
      listing.closeSync();
    }
  }

  async #enter(run: Run, parent: Folder, name: string): Promise<void> {
    const segments = [...parent.segments, name];
    if (!this.#patterns.mayMatchBelow(segments)) return;
    let child: Folder | undefined;
    try {
      child = openChild(parent, name, this.#patterns.isNamedFolder(segments), run.realBase);
    } catch (error) {
      if (!isGone(error)) fail(run, error);
      return;
    }
    if (child === undefined) return;
    try {
      await this.#walk(run, child);
    } finally {
      closeFolder(child);
    }
  }

  /**
   * Counts, checks and deletes one entry the patterns match, through its folder's handle; never throws. Returns a
   * promise only when the OTLP shipper must be asked whether it still needs the file.
   */
  #handle(run: Run, folder: Folder, name: string): Promise<void> | undefined {
    const rel = folder.rel + name;
    if (!this.#patterns.matchesFile(rel)) return;
    const { result } = run;
    const path = `${folder.ioPath}/${name}`;
    let stats: Stats | undefined;
    try {
      stats = lstatSync(path, LSTAT_OPTIONS);
    } catch (error) {
      if (!isGone(error)) fail(run, error);
      return;
    }
    if (stats === undefined || stats.isDirectory()) return;
    result.filesMatched++;
    if (stats.mtimeMs >= run.cutoffMs) return;
    if (!stats.isFile() || !folder.canDelete || this.#isOpen(run, rel)) {
      if (stats.isFile() && !folder.canDelete) run.withoutHandle++;
      result.filesSkipped++;
      return;
    }
    // the shipper knows its files by their path under the base directory, not by the folder handle's /proc path
    if (this.#isUnshipped !== undefined) return this.#deleteUnlessShipping(run, path, stats, this.#basePrefix + rel);
    this.#delete(run, path, stats);
    return undefined;
  }

  /** Deletes (or, in a dry run, counts) one checked, expired file; never throws. */
  #delete(run: Run, path: string, stats: Stats): void {
    if (!this.config.dryRun) {
      try {
        unlinkSync(path);
      } catch (error) {
        if (!isGone(error)) fail(run, error);
        return;
      }
    }
    run.result.filesDeleted++;
    run.result.bytesFreed += stats.size;
  }

  /** Deletes an expired file unless the OTLP shipper still needs it (SPEC section 5); never throws. */
  async #deleteUnlessShipping(run: Run, path: string, stats: Stats, logicalPath: string): Promise<void> {
    if (await this.#isStillShipping(logicalPath, stats)) run.result.filesSkipped++;
    else this.#delete(run, path, stats);
  }

  /** Still needed by the OTLP shipper, and not yet past the retention by SHIPPING_GRACE_DAYS. */
  async #isStillShipping(path: string, stats: Stats): Promise<boolean> {
    if (stats.mtimeMs < Date.now() - (this.config.retentionDays + SHIPPING_GRACE_DAYS) * DAY_MILLIS) return false;
    return this.#isUnshipped!(path, stats).catch(() => true);
  }

  /** Whether a writer of this thread has the file as its active file (by the path it was given, or the real one). */
  #isOpen(run: Run, rel: string): boolean {
    const files = this.#openFiles;
    if (!files.isAnyOpenInThread()) return false;
    return files.isOpenInThread(this.#basePrefix + rel) || files.isOpenInThread(run.realPrefix + rel);
  }

  /**
   * Records the run through the `log_cleaner` monitor, as any monitor records; made per run, so a cleaner built
   * without `writer` follows the default factory even across `resetInstance()`.
   */
  #record(result: CleanupResult): void {
    try {
      new LogCleanerMonitor(this.#writer).recordCleanup(result);
    } catch (error) {
      diag.warn(`perflog: could not record the log cleanup: ${errorMessage(error)}`);
    }
  }
}

interface Run {
  readonly result: CleanupResult;
  readonly cutoffMs: number;
  realBase: string;
  /** `realBase` ending in a separator. */
  realPrefix: string;
  firstError: unknown;
  /** Entries handled since the event loop last turned. */
  sinceYield: number;
  /** Expired files left in place because their folder could not be opened as a handle. */
  withoutHandle: number;
  readonly signal: AbortSignal | undefined;
}

function fail(run: Run, error: unknown): void {
  run.result.errors++;
  run.firstError ??= error;
}

/** ENOENT or ENOTDIR: the file (or a folder above it) is gone; not an error. */
function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** `dir` (absolute, normalized) ending in one separator: the root stays `/`. */
function withSeparator(dir: string): string {
  return dir.endsWith(sep) ? dir : dir + sep;
}

async function realpathOrGone(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
}
