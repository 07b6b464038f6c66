import { diag } from '@opentelemetry/api';
import { resolveWithEnvironment } from './config.js';
import { setDefaultWriterSource } from './default-writer.js';
import { CheckpointPerformanceMonitor } from './implementations/checkpoint-monitor.js';
import { LlmPerformanceMonitor } from './implementations/llm-monitor.js';
import { ToolPerformanceMonitor } from './implementations/tool-monitor.js';
import { WorkflowPerformanceMonitor } from './implementations/workflow-monitor.js';
import type { MetricLogWriter, PerflogOptions, PerflogStats, PerformanceMonitor, ResolvedPerflogOptions } from './interfaces.js';
import { ModuleMetricWriter } from './logger-writer.js';
import { resolveOptions } from './options.js';
import { Pipeline } from './pipeline.js';

/** Builds a monitor of one type around the factory's writer for that type. */
export type MonitorMaker<M extends PerformanceMonitor = PerformanceMonitor> = (writer: MetricLogWriter) => M;

/** The built-in monitor types and their classes. */
export interface BuiltinMonitors {
  checkpoint: CheckpointPerformanceMonitor;
  llm: LlmPerformanceMonitor;
  tool: ToolPerformanceMonitor;
  workflow: WorkflowPerformanceMonitor;
}

const BUILTIN_TYPES: ReadonlyArray<[string, MonitorMaker]> = [
  ['checkpoint', (writer) => new CheckpointPerformanceMonitor(writer)],
  ['llm', (writer) => new LlmPerformanceMonitor(writer)],
  ['tool', (writer) => new ToolPerformanceMonitor(writer)],
  ['workflow', (writer) => new WorkflowPerformanceMonitor(writer)],
];

/**
 * Creates and keeps the monitors of one record pipeline: one instance per type, all writing through the same
 * files and exporters. Use the process-wide `getInstance()`, or `new PerformanceMonitorFactory(options)` for an
 * independent pipeline.
 * @example
 * const factory = PerformanceMonitorFactory.getInstance();
 * factory.createMonitor('checkpoint').recordCheckpointSave({ duration: 0.5, size: 1024, success: true });
 */
export class PerformanceMonitorFactory {
  static #instance: PerformanceMonitorFactory | undefined;

  #pipeline: Pipeline;
  readonly #types = new Map<string, MonitorMaker>(BUILTIN_TYPES);
  readonly #monitors = new Map<string, PerformanceMonitor>();
  readonly #writers = new Map<string, ModuleMetricWriter>();

  /**
   * Builds an independent factory from `options` merged over the defaults (no environment, no config file).
   * @throws {PerflogConfigError} when an option is invalid; the message names it.
   */
  constructor(options: PerflogOptions = {}) {
    const resolved = PerformanceMonitorFactory.#resolvedForNext;
    PerformanceMonitorFactory.#resolvedForNext = undefined;
    this.#pipeline = new Pipeline(resolved ?? resolveOptions({ options }));
  }

  /** Options already resolved (with environment and file) for the default factory being built. */
  static #resolvedForNext: ResolvedPerflogOptions | undefined;

  /**
   * The process-wide factory, configured from the file named by `PERFLOG_CONFIG`, else
   * `configs/monitoring_logging.yaml` under the working directory if it exists, else the defaults.
   * @throws {PerflogConfigError} the first time, when that configuration file is invalid.
   */
  static getInstance(): PerformanceMonitorFactory {
    PerformanceMonitorFactory.#instance ??= PerformanceMonitorFactory.#fromResolved(resolveWithEnvironment());
    return PerformanceMonitorFactory.#instance;
  }

  /**
   * (Re)configures the process-wide factory with `options` (over the environment, the config file and the
   * defaults) and returns it. The old pipeline is flushed and closed; monitors already handed out keep working and
   * write with the new configuration.
   * @throws {PerflogConfigError} when an option is invalid; the running configuration is then left as it was.
   */
  static configure(options: PerflogOptions): PerformanceMonitorFactory {
    const resolved = resolveWithEnvironment(options);
    const current = PerformanceMonitorFactory.#instance;
    if (current === undefined) {
      PerformanceMonitorFactory.#instance = PerformanceMonitorFactory.#fromResolved(resolved);
      return PerformanceMonitorFactory.#instance;
    }
    current.#replacePipeline(new Pipeline(resolved, current.#pipeline.stats));
    return current;
  }

  static #fromResolved(options: ResolvedPerflogOptions): PerformanceMonitorFactory {
    PerformanceMonitorFactory.#resolvedForNext = options;
    return new PerformanceMonitorFactory();
  }

  #replacePipeline(next: Pipeline): void {
    const previous = this.#pipeline;
    this.#pipeline = next;
    for (const writer of this.#writers.values()) writer.attach(next);
    previous.shutdown().catch((error: unknown) => diag.error('perflog: closing the previous pipeline failed', error));
  }

  /**
   * The monitor of `type`: the same instance on every call. Built-in types: `checkpoint`, `llm`, `tool`, `workflow`;
   * more with `registerMonitorType`.
   * @throws {Error} for an unknown type, naming the known ones.
   */
  createMonitor<K extends keyof BuiltinMonitors>(type: K): BuiltinMonitors[K];
  createMonitor<M extends PerformanceMonitor = PerformanceMonitor>(type: string): M;
  createMonitor(type: string): PerformanceMonitor {
    let monitor = this.#monitors.get(type);
    if (monitor === undefined) {
      const make = this.#types.get(type);
      if (make === undefined) {
        throw new Error(`perflog: unknown monitor type "${type}"; known types: ${[...this.#types.keys()].join(', ')}`);
      }
      monitor = make(this.getWriter(type));
      this.#monitors.set(type, monitor);
    }
    return monitor;
  }

  /**
   * Adds (or replaces, for monitors not yet created) a monitor type; `make` receives this factory's writer for it.
   * @example factory.registerMonitorType('custom', (writer) => new CustomPerformanceMonitor(writer));
   */
  registerMonitorType(type: string, make: MonitorMaker): void {
    if (typeof type !== 'string' || type === '') throw new TypeError('perflog: a monitor type must be a non-empty string');
    if (typeof make !== 'function') throw new TypeError(`perflog: registerMonitorType("${type}") needs a function (writer) => monitor`);
    this.#types.set(type, make);
  }

  /** This factory's writer for `module`, for custom monitors: `new CustomPerformanceMonitor(factory.getWriter('custom'))`. */
  getWriter(module: string): MetricLogWriter & ModuleMetricWriter {
    let writer = this.#writers.get(module);
    if (writer === undefined) {
      writer = new ModuleMetricWriter(this.#pipeline, module, (other) => this.getWriter(other));
      this.#writers.set(module, writer);
    }
    return writer;
  }

  /** A snapshot of this factory's counters (they survive `configure()`). */
  stats(): PerflogStats {
    return { ...this.#pipeline.stats };
  }

  /**
   * Writes out everything buffered, then (with `otlp.enabled`) ships what is pending to the collector; resolves within
   * `otlp.timeoutMillis` + 0.5 s even when the collector never answers (what is left stays in the files).
   */
  flush(): Promise<void> {
    return this.#pipeline.flush();
  }

  /**
   * Flushes and closes files and exporters and stops the scheduler. Idempotent (later calls return the first
   * promise); recording afterwards is a counted no-op. Resolves within `otlp.timeoutMillis` + 0.5 s even when a
   * collector never answers. A `loggerProvider` you passed is not shut down.
   */
  shutdown(): Promise<void> {
    return this.#pipeline.shutdown();
  }

  /** @internal The resolved options (tests, CLI). */
  get options(): ResolvedPerflogOptions {
    return this.#pipeline.options;
  }
}

setDefaultWriterSource((module) => PerformanceMonitorFactory.getInstance().getWriter(module));

/**
 * The checkpoint monitor of the process-wide factory, for the checkpoint module's own code.
 * @example getCheckpointMonitor().recordCheckpointLoad({ duration: 0.3, size: 1024, success: true });
 */
export function getCheckpointMonitor(): CheckpointPerformanceMonitor {
  return PerformanceMonitorFactory.getInstance().createMonitor('checkpoint');
}
