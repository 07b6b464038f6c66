/**
 * Lets a monitor built without a writer reach the default factory without importing it (no import cycle).
 */
import type { MetricLogWriter } from './interfaces.js';

let defaultWriter: ((module: string) => MetricLogWriter) | undefined;

/** Installed by the factory module when it loads. */
export function setDefaultWriterSource(source: (module: string) => MetricLogWriter): void {
  defaultWriter = source;
}

/** The default factory's writer for `module`. */
export function getDefaultWriter(module: string): MetricLogWriter {
  if (defaultWriter === undefined) throw new Error('perflog: import monitors from "perflog", not from internal files');
  return defaultWriter(module);
}
