import type { MetricLogWriter, ToolCallRecord } from '../interfaces.js';
import { LightweightPerformanceMonitor } from '../lightweight-monitor.js';
import type { ModuleMetricWriter } from '../logger-writer.js';
import { isDuration } from '../logger-writer.js';
import { encodeString } from '../record-encoder.js';
import { asModuleWriter, checkCommon } from './record-fields.js';

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
    const operation = 'tool_call';
    const writer = this.#writer;
    if (!checkCommon(writer, operation, record)) return;
    const { tool, duration } = record;
    if (typeof tool !== 'string') return writer.reject('invalid_type', operation, 'tool', tool, 'a string');
    if (!isDuration(duration)) return writer.rejectNumber(operation, 'duration', duration, 'a finite number of seconds >= 0');
    writer.writeRecord('timer', operation, '"tool_call"', 'duration', duration, undefined, record.success ?? true,
      `,"tool":${encodeString(tool)}`, record.attributes, record.error ?? undefined, false);
  }
}
