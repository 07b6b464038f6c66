import { FieldEncoder } from '../field-encoder.js';
import type { MetricLogWriter, NodeExecutionRecord } from '../interfaces.js';
import { LightweightPerformanceMonitor } from '../lightweight-monitor.js';
import { MonitorRecorder } from './record-fields.js';

/** The `workflow` module's own fields, in the order they are written. */
const WORKFLOW_FIELDS = new FieldEncoder(['node']);

/**
 * Monitor of the `workflow` module: executions of the nodes of a workflow graph.
 * @example workflow.recordNodeExecution({ node: 'plan', duration: 0.8, success: true });
 */
export class WorkflowPerformanceMonitor extends LightweightPerformanceMonitor {
  readonly #recorder: MonitorRecorder;

  constructor(logger?: MetricLogWriter) {
    super(logger, 'workflow');
    this.#recorder = new MonitorRecorder(this.logger, WORKFLOW_FIELDS);
  }

  /**
   * Records one node execution (operation `node_execution`, field `node`); `duration` in seconds. Bad input drops
   * the record (counted, reported through `onError`); with `strict: true` it throws.
   */
  recordNodeExecution(record: NodeExecutionRecord): void {
    const recorder = this.#recorder;
    if (recorder.checkCommon('node_execution', record)) recorder.writeNamedTimer('node_execution', 'node', record.node, record);
  }
}
