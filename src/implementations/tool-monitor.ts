import { FieldEncoder } from '../field-encoder.js';
import type { MetricLogWriter, ToolCallRecord } from '../interfaces.js';
import { LightweightPerformanceMonitor } from '../lightweight-monitor.js';
import { MonitorRecorder } from './record-fields.js';

/** The `tool` module's own fields, in the order they are written. */
const TOOL_FIELDS = new FieldEncoder(['tool']);

/**
 * Monitor of the `tool` module: calls an agent makes to its tools.
 * @example tools.recordToolCall({ tool: 'search', duration: 0.012, success: true });
 */
export class ToolPerformanceMonitor extends LightweightPerformanceMonitor {
  readonly #recorder: MonitorRecorder;

  constructor(logger?: MetricLogWriter) {
    super(logger, 'tool');
    this.#recorder = new MonitorRecorder(this.logger, TOOL_FIELDS);
  }

  /**
   * Records one tool call (operation `tool_call`, field `tool`); `duration` in seconds. Bad input drops the record
   * (counted, reported through `onError`); with `strict: true` it throws.
   */
  recordToolCall(record: ToolCallRecord): void {
    const recorder = this.#recorder;
    if (recorder.checkCommon('tool_call', record)) recorder.writeNamedTimer('tool_call', 'tool', record.tool, record);
  }
}
