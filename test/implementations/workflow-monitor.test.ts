import { expect } from 'chai';
import { records, useTempFactory } from '../helpers.js';

describe('WorkflowPerformanceMonitor', () => {
  const test = useTempFactory();

  describe('recordNodeExecution()', () => {
    it('writes a node_execution timer with the node field, and drops a bad duration', async () => {
      const workflow = test.factory.createMonitor('workflow');
      workflow.recordNodeExecution({ node: 'plan', duration: 0.8, success: true });
      workflow.recordNodeExecution({ node: 'act', duration: -0.1 });
      await test.factory.flush();
      const lines = await records(test.baseDir, 'workflow');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.include({ operation: 'node_execution', node: 'plan', duration: 0.8, module: 'workflow' });
      expect(test.factory.stats()).to.include({ recordsWritten: 1, recordsDropped: 1 });
    });
  });
});
