import { BasePerformanceMonitor } from './base-monitor.js';
import { defaultCore } from './default-factory.js';
import type { MetricLogWriter } from './interfaces.js';
import { ModuleMetricWriter } from './logger-writer.js';

/**
 * The zero-memory monitor every built-in extends, and the class to extend for your own: it keeps nothing but its
 * writer, and every call writes one record at once.
 * Built without a writer, it records through the default factory's; given a factory's writer for another module,
 * it records under `module`.
 * @example
 * class CustomPerformanceMonitor extends LightweightPerformanceMonitor {
 *   constructor(logger?: MetricLogWriter) { super(logger, 'custom'); }
 *   recordCustomMetric(name: string, seconds: number) { this.logger.logTimer(`custom.${name}`, seconds); }
 * }
 */
export class LightweightPerformanceMonitor extends BasePerformanceMonitor {
  constructor(logger?: MetricLogWriter, module?: string) {
    const name = module ?? logger?.module ?? 'custom';
    super(resolveWriter(logger, name), name);
  }
}

/** @internal A writer for `module`: the given one (rebound to `module` if it is perflog's), or the default factory's. */
export function resolveWriter(logger: MetricLogWriter | undefined, module: string): MetricLogWriter {
  if (logger === undefined) return defaultCore().getWriter(module);
  if (logger instanceof ModuleMetricWriter && logger.module !== module) return logger.forModule(module);
  return logger;
}
