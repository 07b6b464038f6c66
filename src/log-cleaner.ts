/**
 * The retention cleaner: deletes the log files its globs match once their modification time is older than
 * `retentionDays`. Matches are streamed; nothing about a file is kept once it has been handled, nor once a run ends.
 */
import fs from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat, realpath, unlink } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { diag } from '@opentelemetry/api';
import fg from 'fast-glob';
import { errorMessage } from './errors.js';
import { isOpenByWriter } from './exporters/file-exporter.js';
import { LogCleanerMonitor } from './implementations/log-cleaner-monitor.js';
import type { CleanupResult, LogCleanupConfig, MetricLogWriter } from './interfaces.js';
import { resolveOptions } from './options.js';

const DAY_MILLIS = 86_400_000;
/** Files checked and deleted concurrently: enough to keep libuv's thread pool busy, a constant amount of memory. */
const HANDLERS_IN_FLIGHT = 16;
/** Matches waiting to be handled before fast-glob's next folder listing is held back. */
const MAX_BUFFERED = 128;

/** Where a cleaner works and reports. */
export interface LogCleanerOptions {
  /** Base of the patterns (relative to the working directory); nothing outside it is ever deleted. @default process.cwd() */
  baseDir?: string | undefined;
  /**
   * Receives each run's `log_cleanup` record (module `log_cleaner`).
   * @default the default factory's `log_cleaner` writer, as for monitors built without one
   */
  writer?: MetricLogWriter | undefined;
}

/** Options of one run. */
export interface CleanupRunOptions {
  /** Ends the run at the next file once aborted; a run ended this way writes no record. */
  signal?: AbortSignal | undefined;
}

/**
 * Deletes expired log files (SPEC section 5). A file is expired when its modification time is older than
 * `retentionDays` days. Safety rules: nothing outside `baseDir` is deleted (patterns are checked when the config is
 * built, and every file's real directory again before it is deleted); symlinks are neither followed nor deleted;
 * the active file of a writer of this process is never deleted; a file that vanishes mid-run is not an error; a
 * file that cannot be deleted is counted in `errors` and the run goes on.
 * @example
 * const cleaner = new LogCleaner({ retentionDays: 7, logPatterns: ['logs/*.log.*'] }, { baseDir: '/srv/app' });
 * const { filesDeleted, bytesFreed } = await cleaner.cleanupLogs();
 */
export class LogCleaner {
  /** The validated, frozen configuration, merged over `DEFAULT_CLEANUP_CONFIG`. */
  readonly config: Readonly<LogCleanupConfig>;
  /** The absolute base directory of the patterns. */
  readonly baseDir: string;
  readonly #writer: MetricLogWriter | undefined;
  readonly #unique: boolean;

  /**
   * Validates `config` (merged over `DEFAULT_CLEANUP_CONFIG`) before any I/O.
   * @throws {PerflogConfigError} when a config value is invalid, e.g. a pattern that is absolute or has a `..` segment.
   */
  constructor(config: Partial<LogCleanupConfig> = {}, options: LogCleanerOptions = {}) {
    const resolved = resolveOptions({ options: { baseDir: options.baseDir, cleanup: config } });
    this.config = resolved.cleanup;
    this.baseDir = resolved.baseDir;
    this.#writer = options.writer;
    this.#unique = needsDedupIndex(this.config.logPatterns, this.baseDir);
  }

  /**
   * Runs once: streams the matches, deletes (or, with `dryRun`, counts) the expired ones and writes the run's
   * record. Per-file failures are counted in `errors`, never thrown; it rejects only on an unexpected failure.
   */
  async cleanupLogs(options: CleanupRunOptions = {}): Promise<CleanupResult> {
    const startMs = performance.now();
    const { dryRun } = this.config;
    const run: Run = {
      result: { filesDeleted: 0, bytesFreed: 0, errors: 0, durationMs: 0, dryRun, filesMatched: 0, filesSkipped: 0 },
      cutoffMs: Date.now() - this.config.retentionDays * DAY_MILLIS,
      realBase: '',
      firstError: undefined,
    };
    const realBase = await realpathOrGone(this.baseDir);
    if (realBase !== undefined) {
      run.realBase = realBase;
      await this.#walk(run, options.signal);
    }
    run.result.durationMs = performance.now() - startMs;
    if (run.firstError !== undefined) {
      diag.warn(`perflog: log cleanup had ${run.result.errors} error(s); the first: ${errorMessage(run.firstError)}`);
    }
    if (options.signal?.aborted !== true) this.#record(run.result);
    return run.result;
  }

  /**
   * Streams the matches and handles up to HANDLERS_IN_FLIGHT files at once. fast-glob's stream does not wait for
   * its reader, so the next folder listing is held back (through fast-glob's `fs` option) while MAX_BUFFERED matches
   * are waiting: memory follows the largest single folder, not the number of files.
   */
  async #walk(run: Run, signal: AbortSignal | undefined): Promise<void> {
    const held: Array<() => void> = [];
    // fast-glob lists the first folder before stream() returns, hence the holder
    const source: { stream?: Readable } = {};
    const isFull = (): boolean => source.stream !== undefined && source.stream.readableLength >= MAX_BUFFERED;
    const readdir = ((...args: Parameters<typeof fs.readdir>) => {
      const list = (): void => {
        Reflect.apply(fs.readdir, fs, args);
      };
      if (isFull()) held.push(list);
      else list();
    }) as typeof fs.readdir;
    const stream = fg.stream(this.config.logPatterns, {
      cwd: this.baseDir, absolute: true, onlyFiles: false, objectMode: true, followSymbolicLinks: false,
      unique: this.#unique, dot: false, suppressErrors: false, fs: { readdir },
    }) as Readable;
    source.stream = stream;
    const inFlight = new Set<Promise<void>>();
    try {
      for await (const entry of stream as AsyncIterable<fg.Entry>) {
        while (held.length > 0 && !isFull()) held.shift()?.();
        if (signal?.aborted === true) break;
        if (entry.dirent.isDirectory()) continue;
        const handled: Promise<void> = this.#handle(entry.path, run).finally(() => inFlight.delete(handled));
        inFlight.add(handled);
        if (inFlight.size >= HANDLERS_IN_FLIGHT) await Promise.race(inFlight);
      }
    } catch (error) {
      // A folder that cannot be read ends the walk; what was handled so far stands.
      fail(run, error);
    } finally {
      await Promise.all(inFlight);
    }
  }

  /** Counts, checks and deletes one match; never rejects. */
  async #handle(path: string, run: Run): Promise<void> {
    const { result } = run;
    let stats: Stats;
    try {
      stats = await lstat(path);
    } catch (error) {
      if (!isGone(error)) fail(run, error);
      return;
    }
    if (stats.isDirectory()) return;
    result.filesMatched++;
    if (stats.mtimeMs >= run.cutoffMs) return;
    let isSafe: boolean;
    try {
      isSafe = stats.isFile() && await this.#isSafe(path, run);
    } catch (error) {
      fail(run, error);
      return;
    }
    if (!isSafe) {
      result.filesSkipped++;
      return;
    }
    if (!this.config.dryRun) {
      try {
        await unlink(path);
      } catch (error) {
        if (!isGone(error)) fail(run, error);
        return;
      }
    }
    result.filesDeleted++;
    result.bytesFreed += stats.size;
  }

  /** Inside the base directory once symlinks in its folders are resolved, and not a writer's active file. */
  async #isSafe(path: string, run: Run): Promise<boolean> {
    if (isOpenByWriter(path)) return false;
    const realDir = await realpathOrGone(dirname(path));
    if (realDir === undefined) return false;
    const base = run.realBase;
    const inside = realDir === base || realDir.startsWith(base.endsWith(sep) ? base : base + sep);
    return inside && !isOpenByWriter(join(realDir, basename(path)));
  }

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
  firstError: unknown;
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

async function realpathOrGone(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
}

/**
 * fast-glob walks each group of patterns sharing a base folder once; a file can come out twice only when two groups'
 * folders nest (`logs/**` and `logs/old/*`). Only then is fast-glob's own de-duplication index (a set of the paths
 * matched during the run) switched on; with the default patterns nothing is kept per file.
 */
function needsDedupIndex(patterns: readonly string[], cwd: string): boolean {
  const bases = fg.generateTasks(patterns as string[], { cwd }).map((task) => task.base);
  return bases.some((a, i) => bases.some((b, j) => i !== j && (a === b || a === '.' || b.startsWith(`${a}/`))));
}
