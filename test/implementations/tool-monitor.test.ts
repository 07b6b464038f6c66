import { expect } from 'chai';
import { records, useTempFactory } from '../helpers.js';

describe('ToolPerformanceMonitor', () => {
  const test = useTempFactory();

  describe('recordToolCall()', () => {
    it('writes a tool_call timer with the tool field after module', async () => {
      const tools = test.factory.createMonitor('tool');
      tools.recordToolCall({ tool: 'search', duration: 0.012, success: true });
      tools.recordToolCall({ tool: 'sql', duration: 0.5, success: false, error: 'SyntaxError', attributes: { db: 'main' } });
      tools.recordToolCall({ tool: 3 as never, duration: 1 });
      await test.factory.flush();
      const [ok, failed, ...rest] = await records(test.baseDir, 'tool');
      expect(rest).to.deep.equal([]);
      expect(Object.keys(ok!)).to.deep.equal(['timestamp', 'metric_type', 'operation', 'duration', 'success', 'module', 'tool']);
      expect(failed).to.include({ operation: 'tool_call', tool: 'sql', success: false, error: 'SyntaxError', db: 'main' });
      expect(test.factory.stats().recordsDropped).to.equal(1);
    });
  });
});
