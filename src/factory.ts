import { join } from 'node:path';
import { diag } from '@opentelemetry/api';
import { resolveWithEnvironment } from './config.js';
import { configureDefaultCore, defaultCore, forgetDefaultCore } from './default-factory.js';
import { PerflogCleanupError } from './errors.js';
import { FactoryCore } from './factory-core.js';
import { CheckpointPerformanceMonitor } from './implementations/checkpoint-monitor.js';
import { LlmPerformanceMonitor } from './implementations/llm-monitor.js';
import { ToolPerformanceMonitor } from './implementations/tool-monitor.js';
import { WorkflowPerformanceMonitor } from './implementations/workflow-monitor.js';
import type { PerflogRecordError } from './errors.js';
import type {
  CleanupResult, LogCleanupConfig, MetricLogWriter, PerflogOptions, PerflogStats, PerformanceMonitor, ResolvedPerflogOptions,
} from './interfaces.js';
import { LogCleaner } from './log-cleaner.js';
import type { ModuleMetricWriter } from './logger-writer.js';
import type { Pipeline } from './pipeline.js';
import { LOCK_NAME, LogCleanupService } from './scheduler.js';
import { PendingCalls } from './pending-calls.js';
import type { PendingCall } from './pending-calls.js';
import type { CallRecorder } from './llm-call-values.js';

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

  readonly #core: FactoryCore;
  readonly #types = new Map<string, MonitorMaker>(BUILTIN_TYPES);
  readonly #monitors = new Map<string, PerformanceMonitor>();
  #cleaner: LogCleaner | undefined;
  #cleanupService: LogCleanupService | undefined;
  #cleanupStartChecked = false;
  readonly #pendingCalls = new PendingCalls();

  /**
   * Builds an independent factory from `options` merged over the standard `OTEL_EXPORTER_OTLP_*` and resource
   * variables and the defaults (no config file); the options given here win.
   * @throws {PerflogConfigError} when an option is invalid; the message names it.
   */
  constructor(options: PerflogOptions = {}) {
    const core = PerformanceMonitorFactory.#coreForNext;
    PerformanceMonitorFactory.#coreForNext = undefined;
    this.#core = core ?? new FactoryCore(resolveWithEnvironment(options, false));
  }

  /** The core (pipeline and writers) the factory being built wraps: the default one, or one from resolved options. */
  static #coreForNext: FactoryCore | undefined;

  static #around(core: FactoryCore): PerformanceMonitorFactory {
    PerformanceMonitorFactory.#coreForNext = core;
    return new PerformanceMonitorFactory();
  }

  /** This factory's pipeline of the moment (`configure()` replaces it). */
  get #pipeline(): Pipeline {
    return this.#core.pipeline;
  }

  /**
   * The process-wide factory, configured from the file named by `PERFLOG_CONFIG`, else
   * `configs/monitoring_logging.yaml` under the working directory if it exists, else the defaults.
   * @throws {PerflogConfigError} the first time, when that configuration file is invalid.
   */
  static getInstance(): PerformanceMonitorFactory {
    // the default core may exist already: a monitor built without a writer records through it
    PerformanceMonitorFactory.#instance ??= PerformanceMonitorFactory.#around(defaultCore());
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
      PerformanceMonitorFactory.#instance = PerformanceMonitorFactory.#around(configureDefaultCore(resolved));
      return PerformanceMonitorFactory.#instance;
    }
    current.#replacePipeline(resolved);
    return current;
  }

  /**
   * @internal Shuts the process-wide factory down and forgets it: the next `getInstance()` builds a new one (tests
   * reset it between files). Monitors already handed out record as after `shutdown()`.
   */
  static async resetInstance(): Promise<void> {
    const current = PerformanceMonitorFactory.#instance;
    PerformanceMonitorFactory.#instance = undefined;
    const core = forgetDefaultCore();
    if (current !== undefined) await current.shutdown();
    else await core?.pipeline.shutdown();
  }

  /** @internal A factory built from options already resolved with environment and file (the CLI). */
  static fromResolvedOptions(options: ResolvedPerflogOptions): PerformanceMonitorFactory {
    return PerformanceMonitorFactory.#around(new FactoryCore(options));
  }

  #replacePipeline(options: ResolvedPerflogOptions): void {
    this.#core.replacePipeline(options);
    if (this.#cleaner !== undefined) {
      // the new configuration's cleanup section replaces the old one (and any setupLogCleaner() over it)
      this.#cleaner = undefined;
      this.#cleanupService?.useCleaner(this.#currentCleaner());
    }
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
      this.#startCleanupOnFirstUse();
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
    return this.#core.getWriter(module);
  }

  /**
   * Runs the cleaner now, ignoring `enabled` and honouring `dryRun`; joins a run of the same cleaner already in
   * progress (runs never overlap). Never rejects: a failed run resolves with `errors: 1` and is reported through
   * `onError`. A real run that finds another process cleaning (the lock held) is skipped with zero counts.
   * @example const { filesDeleted, bytesFreed } = await factory.forceLogCleanup();
   */
  forceLogCleanup(): Promise<CleanupResult> {
    return this.getScheduledCleaner().runNow();
  }

  /**
   * The periodic cleaner of this factory (one instance). It is started on the first `createMonitor()` when the
   * cleanup config is enabled, and stopped by `shutdown()`.
   */
  getScheduledCleaner(): LogCleanupService {
    this.#cleanupService ??= new LogCleanupService(this.#currentCleaner(), {
      lockPath: join(this.#pipeline.options.logDir, LOCK_NAME),
      onError: (error) => this.#pipeline.report(new PerflogCleanupError(error)),
    });
    return this.#cleanupService;
  }

  /**
   * Builds a cleaner from `config` merged over the factory's current cleanup config; it becomes the one
   * `forceLogCleanup()` and the periodic cleaner use.
   * @throws {PerflogConfigError} when a value is invalid (e.g. a pattern escaping `baseDir`); nothing changes then.
   * @example factory.setupLogCleaner({ retentionDays: 7, dryRun: true });
   */
  setupLogCleaner(config: Partial<LogCleanupConfig>): LogCleaner {
    const cleaner = this.#newCleaner({ ...this.#currentCleaner().config, ...config });
    this.#cleaner = cleaner;
    this.#cleanupService?.useCleaner(cleaner);
    return cleaner;
  }

  #currentCleaner(): LogCleaner {
    this.#cleaner ??= this.#newCleaner(this.#pipeline.options.cleanup);
    return this.#cleaner;
  }

  #newCleaner(config: Partial<LogCleanupConfig>): LogCleaner {
    return new LogCleaner(config, {
      baseDir: this.#pipeline.options.baseDir, writer: this.getWriter('log_cleaner'),
      // the pipeline of the moment (configure() replaces it): its shipper says which files it still needs
      isUnshipped: (path, file) => this.#pipeline.isUnshipped(path, file),
      // this factory's registry answers for its own files first, then for the other writers of the thread
      openFiles: this.#core.openFiles,
    });
  }

  #startCleanupOnFirstUse(): void {
    if (this.#cleanupStartChecked || this.#pipeline.isClosed) return;
    this.#cleanupStartChecked = true;
    this.getScheduledCleaner().start(); // does nothing when the cleanup config is disabled
  }

  /** A snapshot of this factory's counters (they survive `configure()`). */
  stats(): PerflogStats {
    this.#core.deferred.writeAll();
    return { ...this.#pipeline.stats };
  }

  /**
   * Writes out everything buffered, then (with `otlp.enabled`) ships what is pending to the collector; resolves within
   * `otlp.timeoutMillis` + 0.5 s even when the collector never answers (what is left stays in the files).
   */
  flush(): Promise<void> {
    this.#settlePendingCalls(false);
    this.#core.openFiles.flushSync(); // the waiting records, then the files, in one write per file
    return this.#pipeline.flush();
  }

  /**
   * Flushes and closes files and exporters and stops the scheduler. Idempotent (later calls return the first
   * promise); recording afterwards is a counted no-op. Resolves within `otlp.timeoutMillis` + 0.5 s even when a
   * collector never answers. A `loggerProvider` you passed is not shut down.
   */
  shutdown(): Promise<void> {
    this.#cleanupService?.stop();
    this.#settlePendingCalls(true);
    this.#core.openFiles.flushSync();
    return this.#pipeline.shutdown();
  }

  /** @internal Adapters register a call until it is recorded, so `flush()` / `shutdown()` record abandoned ones. */
  trackPendingCall(call: PendingCall): void {
    this.#pendingCalls.add(call);
  }

  /** @internal The call was recorded. */
  untrackPendingCall(call: PendingCall): void {
    this.#pendingCalls.delete(call);
  }

  /**
   * @internal An adapter's call ended: its record is written with the file buffer's next write (at once in a worker
   * thread and with `sync` files), at the time and with the span ids of now.
   */
  deferLlmCall(llm: CallRecorder, model: string, provider: string, error: string | undefined, values: ArrayLike<number>): void {
    this.#core.deferred.add(llm, model, provider, error, values, this.#pipeline.options.file.sync);
  }

  /** @internal Counts and reports a record an adapter could not make (a failure inside perflog), like a bad record. */
  dropRecord(error: PerflogRecordError): void {
    this.#pipeline.drop(error);
  }

  #settlePendingCalls(isShutdown: boolean): void {
    for (const call of this.#pendingCalls.snapshot()) {
      try {
        call.settle(isShutdown);
      } catch (error) {
        diag.error('perflog: recording a pending call failed', error);
      }
    }
  }

  /** @internal The resolved options (tests, CLI). */
  get options(): ResolvedPerflogOptions {
    return this.#pipeline.options;
  }
}

/**
 * The checkpoint monitor of the process-wide factory, for the checkpoint module's own code.
 * @example getCheckpointMonitor().recordCheckpointLoad({ duration: 0.3, size: 1024, success: true });
 */
export function getCheckpointMonitor(): CheckpointPerformanceMonitor {
  return PerformanceMonitorFactory.getInstance().createMonitor('checkpoint');
}
