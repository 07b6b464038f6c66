import { expect } from 'chai';
import type { PerformanceMonitorFactory } from '../../src/index.js';
import { makeTempDir, records, removeDir, testFactory } from '../helpers.js';

describe('ToolPerformanceMonitor', () => {
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

  describe('recordToolCall()', () => {
    it('writes a tool_call timer with the tool field after module', async () => {
      const tools = factory.createMonitor('tool');
      tools.recordToolCall({ tool: 'search', duration: 0.012, success: true });
      tools.recordToolCall({ tool: 'sql', duration: 0.5, success: false, error: 'SyntaxError', attributes: { db: 'main' } });
      tools.recordToolCall({ tool: 3 as never, duration: 1 });
      await factory.flush();
      const [ok, failed, ...rest] = await records(baseDir, 'tool');
      expect(rest).to.deep.equal([]);
      expect(Object.keys(ok!)).to.deep.equal(['timestamp', 'metric_type', 'operation', 'duration', 'success', 'module', 'tool']);
      expect(failed).to.include({ operation: 'tool_call', tool: 'sql', success: false, error: 'SyntaxError', db: 'main' });
      expect(factory.stats().recordsDropped).to.equal(1);
    });
  });
});
