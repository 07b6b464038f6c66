import type { MetricLogWriter, NodeExecutionRecord } from '../interfaces.js';
import { LightweightPerformanceMonitor } from '../lightweight-monitor.js';
import type { ModuleMetricWriter } from '../logger-writer.js';
import { isDuration } from '../logger-writer.js';
import { encodeString } from '../record-encoder.js';
import { asModuleWriter, checkCommon } from './record-fields.js';

/**
 * Monitor of the `workflow` module: executions of the nodes of a workflow graph.
 * @example workflow.recordNodeExecution({ node: 'plan', duration: 0.8, success: true });
 */
export class WorkflowPerformanceMonitor extends LightweightPerformanceMonitor {
  readonly #writer: ModuleMetricWriter;

  constructor(logger?: MetricLogWriter) {
    super(logger, 'workflow');
    this.#writer = asModuleWriter(this.logger);
  }

  /**
   * Records one node execution (operation `node_execution`, field `node`); `duration` in seconds. Bad input drops
   * the record (counted, reported through `onError`); with `strict: true` it throws.
   */
  recordNodeExecution(record: NodeExecutionRecord): void {
    const operation = 'node_execution';
    const writer = this.#writer;
    if (!checkCommon(writer, operation, record)) return;
    const { node, duration } = record;
    if (typeof node !== 'string') return writer.reject('invalid_type', operation, 'node', node, 'a string');
    if (!isDuration(duration)) return writer.rejectNumber(operation, 'duration', duration, 'a finite number of seconds >= 0');
    writer.writeRecord('timer', operation, '"node_execution"', 'duration', duration, undefined, record.success ?? true,
      `,"node":${encodeString(node)}`, record.attributes, record.error ?? undefined, false);
  }
}
