import { PerformanceMonitorFactory } from './factory.js';
import type { PerflogOptions } from './interfaces.js';

/** DI token of the `PerformanceMonitorFactory`. */
export const PERFORMANCE_MONITOR_FACTORY = Symbol.for('perflog.PerformanceMonitorFactory');
/** DI token of the `checkpoint` monitor. */
export const CHECKPOINT_MONITOR = Symbol.for('perflog.CheckpointMonitor');
/** DI token of the `llm` monitor. */
export const LLM_MONITOR = Symbol.for('perflog.LlmMonitor');
/** DI token of the `tool` monitor. */
export const TOOL_MONITOR = Symbol.for('perflog.ToolMonitor');
/** DI token of the `workflow` monitor. */
export const WORKFLOW_MONITOR = Symbol.for('perflog.WorkflowMonitor');

/** Any container with tsyringe's `register(token, { useFactory })` shape. */
export interface MonitoringContainer {
  register(token: symbol, provider: { useFactory: (container: never) => unknown }): unknown;
}

const MONITOR_TOKENS = [
  [CHECKPOINT_MONITOR, 'checkpoint'],
  [LLM_MONITOR, 'llm'],
  [TOOL_MONITOR, 'tool'],
  [WORKFLOW_MONITOR, 'workflow'],
] as const;

/**
 * Registers the factory and each built-in monitor in a DI container (tsyringe's, or any with the same
 * `register(token, { useFactory })` shape). Without `options` the process-wide factory (`getInstance()`) is used;
 * with them, a new `PerformanceMonitorFactory(options)`. Resolving a monitor token gives the factory's
 * `createMonitor` instance. Returns the factory.
 * @example
 * import { container } from 'tsyringe';
 * registerMonitoring(container);
 * const llm = container.resolve<LlmPerformanceMonitor>(LLM_MONITOR);
 */
export function registerMonitoring(container: MonitoringContainer, options?: PerflogOptions): PerformanceMonitorFactory {
  const factory = options === undefined ? PerformanceMonitorFactory.getInstance() : new PerformanceMonitorFactory(options);
  container.register(PERFORMANCE_MONITOR_FACTORY, { useFactory: () => factory });
  for (const [token, type] of MONITOR_TOKENS) container.register(token, { useFactory: () => factory.createMonitor(type) });
  return factory;
}
