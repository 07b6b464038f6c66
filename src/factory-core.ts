/**
 * The record-writing half of a factory: its pipeline (replaced by `configure()`), its writers (one per module) and
 * the registry of the files its exporters hold open. It knows no monitor type, so the monitors reach the default
 * factory's writers (default-factory.ts) without importing the factory module, which imports them.
 */
import { diag } from '@opentelemetry/api';
import { DeferredRecords } from './deferred-records.js';
import { instrumentationFailure } from './errors.js';
import { OpenFiles } from './exporters/open-files.js';
import type { ResolvedPerflogOptions } from './interfaces.js';
import { ModuleMetricWriter } from './logger-writer.js';
import { Pipeline } from './pipeline.js';

/** @internal One factory's pipeline, writers and open files; `PerformanceMonitorFactory` adds monitors and the cleaner. */
export class FactoryCore {
  /** The active files of this factory's exporters: the cleaner asks it which files not to delete. */
  readonly openFiles = new OpenFiles();
  /** The adapters' records taken at their calls' ends, written before each flush of `openFiles`. */
  readonly deferred = new DeferredRecords(this.openFiles, (error) => this.#pipeline.drop(instrumentationFailure('llm_call', error)));
  readonly #writers = new Map<string, ModuleMetricWriter>();
  #pipeline: Pipeline;

  constructor(options: ResolvedPerflogOptions) {
    this.#pipeline = new Pipeline(options, this.openFiles);
  }

  /** The pipeline of the moment (`replacePipeline` swaps it). */
  get pipeline(): Pipeline {
    return this.#pipeline;
  }

  /** This factory's writer for `module`, made on first use. */
  getWriter(module: string): ModuleMetricWriter {
    let writer = this.#writers.get(module);
    if (writer === undefined) {
      writer = new ModuleMetricWriter(this.#pipeline, module, (other) => this.getWriter(other));
      this.#writers.set(module, writer);
    }
    return writer;
  }

  /**
   * Moves every writer to a new pipeline built from `options`, keeping the counters; the old one is flushed and
   * closed in the background.
   */
  replacePipeline(options: ResolvedPerflogOptions): void {
    this.deferred.writeAll(); // records of calls that ended before belong to the old configuration
    const previous = this.#pipeline;
    // the new pipeline's shipper starts once the old one has shipped what it held and released the shipping lock:
    // its flush() and the shared counters then cover everything recorded before and after
    const closed = previous.shutdown().catch((error: unknown) => diag.error('perflog: closing the previous pipeline failed', error));
    const next = new Pipeline(options, this.openFiles, previous.stats, closed);
    this.#pipeline = next;
    for (const writer of this.#writers.values()) writer.attach(next);
  }
}
