/**
 * The sink of the local files: one `FileExporter` per module (`<logDir>/<module>_metrics.log`), opened on the
 * module's first record.
 */
import { join } from 'node:path';
import type { PerflogError } from '../errors.js';
import { rateLimitedReporter } from '../errors.js';
import { FileExporter } from '../exporters/file-exporter.js';
import { activeFileName } from '../exporters/file-names.js';
import type { OpenFiles } from '../exporters/open-files.js';
import type { PerflogStats, ResolvedPerflogOptions } from '../interfaces.js';
import type { RecordMeta, RecordSink } from './record-sink.js';

/** Writes each record into its module's file; write failures are counted by the exporters and reported rate-limited. */
export class FileSink implements RecordSink {
  readonly #options: ResolvedPerflogOptions;
  readonly #stats: PerflogStats;
  readonly #files = new Map<string, FileExporter>();
  readonly #report: (make: () => PerflogError) => void;
  readonly #openFiles: OpenFiles;
  // the last module written and its exporter: records mostly come in runs of one module
  #lastModule = '';
  #lastFile: FileExporter | undefined;

  /** `openFiles`: the registry of the factory the files are written for. */
  constructor(options: ResolvedPerflogOptions, stats: PerflogStats, report: (error: PerflogError) => void, openFiles: OpenFiles) {
    this.#options = options;
    this.#openFiles = openFiles;
    this.#stats = stats;
    this.#report = rateLimitedReporter(report);
  }

  /** Appends the line to the file of `meta.module`. */
  write(line: string, meta: RecordMeta): void {
    const file = meta.module === this.#lastModule && this.#lastFile !== undefined ? this.#lastFile : this.#fileFor(meta.module);
    file.write(line);
  }

  /** Writes out every buffered line, synchronously (the returned promise is already settled). */
  flush(): Promise<void> {
    for (const file of this.#files.values()) file.flushSync();
    return Promise.resolve();
  }

  /** Writes out and closes every file, synchronously. */
  shutdown(): Promise<void> {
    for (const file of this.#files.values()) file.close();
    return Promise.resolve();
  }

  #fileFor(module: string): FileExporter {
    let file = this.#files.get(module);
    if (file === undefined) {
      const options = this.#options;
      file = new FileExporter({
        path: join(options.logDir, activeFileName(options.file.fileName, module)),
        sync: options.file.sync,
        maxBytes: options.file.maxSizeMb * 1024 * 1024,
        rotateInterval: options.file.rotateInterval,
        stats: this.#stats,
        openFiles: this.#openFiles,
        report: (error) => this.#report(() => error),
      });
      this.#files.set(module, file);
    }
    this.#lastModule = module;
    this.#lastFile = file;
    return file;
  }
}
