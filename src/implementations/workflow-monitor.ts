import type { MetricLogWriter, NodeExecutionRecord } from '../interfaces.js';
import { LightweightPerformanceMonitor } from '../lightweight-monitor.js';
import type { ModuleMetricWriter } from '../logger-writer.js';
import { asModuleWriter, checkCommon, writeNamedTimer } from './record-fields.js';

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
    const writer = this.#writer;
    if (checkCommon(writer, 'node_execution', record)) writeNamedTimer(writer, 'node_execution', '"node_execution"', 'node', record.node, record);
  }
}
