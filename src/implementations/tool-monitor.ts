import type { MetricLogWriter, ToolCallRecord } from '../interfaces.js';
import { LightweightPerformanceMonitor } from '../lightweight-monitor.js';
import type { ModuleMetricWriter } from '../logger-writer.js';
import { asModuleWriter, checkCommon, writeNamedTimer } from './record-fields.js';

/**
 * Monitor of the `tool` module: calls an agent makes to its tools.
 * @example tools.recordToolCall({ tool: 'search', duration: 0.012, success: true });
 */
export class ToolPerformanceMonitor extends LightweightPerformanceMonitor {
  readonly #writer: ModuleMetricWriter;

  constructor(logger?: MetricLogWriter) {
    super(logger, 'tool');
    this.#writer = asModuleWriter(this.logger);
  }

  /**
   * Records one tool call (operation `tool_call`, field `tool`); `duration` in seconds. Bad input drops the record
   * (counted, reported through `onError`); with `strict: true` it throws.
   */
  recordToolCall(record: ToolCallRecord): void {
    const writer = this.#writer;
    if (checkCommon(writer, 'tool_call', record)) writeNamedTimer(writer, 'tool_call', '"tool_call"', 'tool', record.tool, record);
  }
}
