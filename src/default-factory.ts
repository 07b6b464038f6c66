/**
 * The process-wide factory's core, made on first use: `PerformanceMonitorFactory.getInstance()` wraps it, and a
 * monitor built without a writer records through it. It imports no monitor, so a monitor module imported on its own
 * (not through the package entry) still finds it: no import cycle, nothing to install first.
 */
import { resolveWithEnvironment } from './config.js';
import { FactoryCore } from './factory-core.js';
import type { ResolvedPerflogOptions } from './interfaces.js';

let core: FactoryCore | undefined;

/**
 * @internal The default core, configured from `PERFLOG_CONFIG`, the config file and the environment on first use.
 * @throws {PerflogConfigError} the first time, when that configuration file is invalid.
 */
export function defaultCore(): FactoryCore {
  core ??= new FactoryCore(resolveWithEnvironment());
  return core;
}

/** @internal Builds the default core from `options`, or moves the existing one's writers to a pipeline of them. */
export function configureDefaultCore(options: ResolvedPerflogOptions): FactoryCore {
  if (core === undefined) core = new FactoryCore(options);
  else core.replacePipeline(options);
  return core;
}

/** @internal Forgets the default core (the next use builds a new one) and returns it for shutting down. */
export function forgetDefaultCore(): FactoryCore | undefined {
  const previous = core;
  core = undefined;
  return previous;
}
