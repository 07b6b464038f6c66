/**
 * The rules every adapter shares (SPEC 10): which factory records, how a failed call's error is named, and how a
 * failure inside perflog is kept away from the app.
 */
import { diag } from '@opentelemetry/api';
import { instrumentationFailure } from '../errors.js';
import { PerformanceMonitorFactory } from '../factory.js';
import type { LlmPerformanceMonitor } from '../implementations/llm-monitor.js';
import type { ToolPerformanceMonitor } from '../implementations/tool-monitor.js';
import type { WorkflowPerformanceMonitor } from '../implementations/workflow-monitor.js';
import type { CheckpointPerformanceMonitor } from '../implementations/checkpoint-monitor.js';

/** Options every adapter takes. */
export interface InstrumentationOptions {
  /**
   * The factory whose built-in monitors write the records.
   * @default PerformanceMonitorFactory.getInstance()
   */
  factory?: PerformanceMonitorFactory | undefined;
}

/** The built-in monitors of one factory, as the adapters use them. */
export interface AdapterMonitors {
  readonly factory: PerformanceMonitorFactory;
  readonly llm: LlmPerformanceMonitor;
  readonly tool: ToolPerformanceMonitor;
  readonly workflow: WorkflowPerformanceMonitor;
  readonly checkpoint: CheckpointPerformanceMonitor;
}

/** A model or provider the call does not reveal. */
export const UNKNOWN = 'unknown';

/**
 * Resolves `{ factory? }` to that factory's built-in monitors (default: the process-wide factory). The monitors are
 * created lazily, on first use, so instrumenting a client creates no log file.
 * @throws {TypeError} when `factory` is given and is not a `PerformanceMonitorFactory`.
 */
export function resolveMonitors(options: InstrumentationOptions | undefined): AdapterMonitors {
  const given = options?.factory;
  if (given !== undefined && !(given instanceof PerformanceMonitorFactory)) {
    throw new TypeError('perflog: options.factory must be a PerformanceMonitorFactory');
  }
  let factory = given;
  // A factory hands out one monitor per type for its whole life, so the one read per call is kept after its first use.
  let llm: LlmPerformanceMonitor | undefined;
  const current = (): PerformanceMonitorFactory => (factory ??= PerformanceMonitorFactory.getInstance());
  return {
    get factory() { return current(); },
    get llm() { return (llm ??= current().createMonitor('llm')); },
    get tool() { return current().createMonitor('tool'); },
    get workflow() { return current().createMonitor('workflow'); },
    get checkpoint() { return current().createMonitor('checkpoint'); },
  };
}

/**
 * The `error` field of a failed call: the error's class name, plus `: <HTTP status>` when it carries one
 * (`"RateLimitError: 429"`). Never the message (it may quote content).
 */
export function errorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return typeof error === 'string' ? 'Error' : typeof error;
  const ctor = (error as { constructor?: { name?: unknown } }).constructor;
  let name = typeof ctor?.name === 'string' && ctor.name !== '' && ctor.name !== 'Object' ? ctor.name : undefined;
  if (name === undefined) {
    const own = (error as { name?: unknown }).name;
    name = typeof own === 'string' && own !== '' ? own : 'Error';
  }
  const status = (error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && Number.isInteger(status) ? `${name}: ${status}` : name;
}

/** Whether `error` reports that the app aborted the call (an SDK's `APIUserAbortError`, a DOM `AbortError`). */
export function isAbortError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const name = (error as { name?: unknown }).name;
  return name === 'AbortError' || error.constructor.name === 'APIUserAbortError';
}

/**
 * Runs `step` (perflog's own work inside an instrumented call) so that nothing it throws reaches the app: the failure
 * is counted in `stats().recordsDropped` and reported through `onError`, like a bad record.
 */
export function guard(factory: PerformanceMonitorFactory | (() => PerformanceMonitorFactory), operation: string, step: () => void): void {
  try {
    step();
  } catch (error) {
    reportFailure(factory, operation, error);
  }
}

/** Counts and reports a failure inside perflog (never throws). */
export function reportFailure(
  factory: PerformanceMonitorFactory | (() => PerformanceMonitorFactory), operation: string, error: unknown,
): void {
  try {
    const target = typeof factory === 'function' ? factory() : factory;
    target.dropRecord(instrumentationFailure(operation, error));
  } catch (failure) {
    diag.error('perflog: an adapter failed and so did reporting it', failure);
  }
}
