import { expect } from 'chai';
import { records, useTempFactory } from './helpers.js';

describe('BasePerformanceMonitor', () => {
  const test = useTempFactory();

  describe('time()', () => {
    it('returns what a sync fn returns and records a successful timer', async () => {
      const tools = test.factory.createMonitor('tool');
      expect(tools.time('parse', () => 42, { input: 'a' })).to.equal(42);
      await test.factory.flush();
      const [record] = await records(test.baseDir, 'tool');
      expect(record).to.include({ operation: 'parse', success: true, module: 'tool', input: 'a' });
      expect(record!['duration']).to.be.a('number').and.at.least(0);
    });

    it('rethrows what a sync fn throws after recording success: false with the error', async () => {
      const tools = test.factory.createMonitor('tool');
      const boom = new TypeError('bad input');
      expect(() => tools.time('parse', () => { throw boom; })).to.throw(boom);
      await test.factory.flush();
      expect((await records(test.baseDir, 'tool'))[0]).to.include({ success: false, error: 'TypeError: bad input' });
    });

    it('awaits an async fn: resolves to its value, or rejects with its error after recording it', async () => {
      const llm = test.factory.createMonitor('llm');
      const value = await llm.time('stream', async () => {
        await new Promise((resolve) => setTimeout(resolve, 15));
        return 'done';
      }, { model: 'gpt-4' });
      expect(value).to.equal('done');
      const failure = new Error('rate limited');
      let caught: unknown;
      try {
        await llm.time('stream', () => Promise.reject(failure));
      } catch (error) {
        caught = error;
      }
      expect(caught).to.equal(failure);
      await test.factory.flush();
      const [ok, failed] = await records(test.baseDir, 'llm');
      expect(ok).to.include({ operation: 'stream', success: true, model: 'gpt-4' });
      expect(ok!['duration']).to.be.at.least(0.01);
      expect(failed).to.include({ success: false, error: 'Error: rate limited' });
    });
  });

  describe('startTimer()', () => {
    it('records once when end() is called, merging start and end attributes', async () => {
      const workflow = test.factory.createMonitor('workflow');
      const end = workflow.startTimer('graph_run', { graph: 'g1' });
      await new Promise((resolve) => setTimeout(resolve, 10));
      end({ steps: 3 });
      end({ steps: 4 });
      await test.factory.flush();
      const lines = await records(test.baseDir, 'workflow');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.include({ operation: 'graph_run', graph: 'g1', steps: 3, success: true });
      expect(lines[0]!['duration']).to.be.at.least(0.005);
    });

    it('marks a failure when end() gets success: false', async () => {
      const end = test.factory.createMonitor('tool').startTimer('download');
      end({ success: false, error: 'ECONNRESET' });
      await test.factory.flush();
      expect((await records(test.baseDir, 'tool'))[0]).to.include({ success: false, error: 'ECONNRESET' });
    });
  });
});
