import { expect } from 'chai';
import type { PerformanceMonitorFactory } from '../../src/index.js';
import { makeTempDir, records, removeDir, testFactory } from '../helpers.js';

describe('WorkflowPerformanceMonitor', () => {
  let baseDir: string;
  let factory: PerformanceMonitorFactory;
  beforeEach(async () => {
    baseDir = await makeTempDir();
    ({ factory } = testFactory(baseDir));
  });
  afterEach(async () => {
    await factory.shutdown();
    await removeDir(baseDir);
  });

  describe('recordNodeExecution()', () => {
    it('writes a node_execution timer with the node field, and drops a bad duration', async () => {
      const workflow = factory.createMonitor('workflow');
      workflow.recordNodeExecution({ node: 'plan', duration: 0.8, success: true });
      workflow.recordNodeExecution({ node: 'act', duration: -0.1 });
      await factory.flush();
      const lines = await records(baseDir, 'workflow');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.include({ operation: 'node_execution', node: 'plan', duration: 0.8, module: 'workflow' });
      expect(factory.stats()).to.include({ recordsWritten: 1, recordsDropped: 1 });
    });
  });
});
