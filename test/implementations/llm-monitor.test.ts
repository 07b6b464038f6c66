import type { LogRecord, LoggerProvider } from '@opentelemetry/api';
import { expect } from 'chai';
import fc from 'fast-check';
import { makeTempDir, rawLines, records, removeDir, testFactory, useTempFactory } from '../helpers.js';

describe('LlmPerformanceMonitor', () => {
  const test = useTempFactory();

  describe('recordLlmCall()', () => {
    it('writes exactly the SPEC LLM record: responseTime as duration, token fields in order', async () => {
      test.factory.createMonitor('llm').recordLlmCall({
        model: 'gpt-4', provider: 'openai', responseTime: 2.1, promptTokens: 100, completionTokens: 200, totalTokens: 300, success: true,
      });
      await test.factory.flush();
      const [line] = await rawLines(test.baseDir, 'llm');
      expect(line).to.match(/^\{"timestamp":[\d.]+,"metric_type":"timer","operation":"llm_call","duration":2\.1,"success":true,"module":"llm","model":"gpt-4","provider":"openai","prompt_tokens":100,"completion_tokens":200,"total_tokens":300\}$/);
    });

    it('derives total_tokens, writes time_to_first_token and keeps user attributes after the module fields', async () => {
      test.factory.createMonitor('llm').recordLlmCall({
        model: 'm', provider: 'p', responseTime: 1, promptTokens: 5, completionTokens: 7, timeToFirstToken: 0.2, attributes: { thread_id: 't' },
      });
      await test.factory.flush();
      const [record] = await records(test.baseDir, 'llm');
      expect(Object.keys(record!).slice(6)).to.deep.equal(['model', 'provider', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'time_to_first_token', 'thread_id']);
      expect(record).to.include({ total_tokens: 12, time_to_first_token: 0.2 });
    });

    it('throws in strict mode naming the field as the caller spelled it', async () => {
      const { factory: strict } = testFactory(test.baseDir, { strict: true });
      const llm = strict.createMonitor('llm');
      expect(() => llm.recordLlmCall({ model: 'm', provider: 'p', responseTime: -1 })).to.throw(RangeError, /responseTime/);
      expect(() => llm.recordLlmCall({ model: 'm', provider: 'p', responseTime: 1, promptTokens: 1.5 })).to.throw(RangeError, /promptTokens/);
      expect(() => llm.recordLlmCall({ model: 'm', provider: 'p', responseTime: 1, totalTokens: '3' as never })).to.throw(TypeError, /totalTokens/);
      expect(() => llm.recordLlmCall({ model: 7 as never, provider: 'p', responseTime: 1 })).to.throw(TypeError, /model/);
      await strict.shutdown();
    });

    it('keeps the outer record whole when an attribute getter records another LLM call mid-record (re-entrant)', async () => {
      const dir = await makeTempDir();
      const emitted: LogRecord[] = [];
      const provider: LoggerProvider = { getLogger: () => ({ emit: (record) => { emitted.push(record); }, enabled: () => true }) };
      const { factory } = testFactory(dir, { loggerProvider: provider });
      try {
        const llm = factory.createMonitor('llm');
        llm.recordLlmCall({
          model: 'outer-model', provider: 'outer', responseTime: 2, promptTokens: 10, completionTokens: 20,
          attributes: {
            get thread(): string {
              llm.recordLlmCall({ model: 'inner-model', provider: 'inner', responseTime: 1, promptTokens: 1, timeToFirstToken: 0.5 });
              return 't';
            },
          },
        });
        await factory.flush();
        const expected = [
          { model: 'inner-model', provider: 'inner', prompt_tokens: 1, time_to_first_token: 0.5 },
          { model: 'outer-model', provider: 'outer', prompt_tokens: 10, completion_tokens: 20, total_tokens: 30, thread: 't' },
        ];
        const [inner, outer] = await records(dir, 'llm');
        expect(inner).to.include(expected[0]).and.not.have.any.keys('completion_tokens', 'total_tokens');
        expect(outer).to.include(expected[1]).and.not.have.any.keys('time_to_first_token');
        expect(emitted[0]!.attributes).to.include(expected[0]).and.not.have.any.keys('completion_tokens', 'total_tokens');
        expect(emitted[1]!.attributes).to.include(expected[1]).and.not.have.any.keys('time_to_first_token');
      } finally {
        await factory.shutdown();
        await removeDir(dir);
      }
    });

    it('property: any input is written as one valid line or dropped, never thrown', async () => {
      const anyValue = fc.oneof(fc.string({ unit: 'binary', maxLength: 10 }), fc.double(), fc.integer({ min: -5, max: 10_000 }), fc.constant(undefined), fc.constant(null), fc.boolean());
      const input = fc.record({
        model: anyValue, provider: anyValue, responseTime: anyValue, promptTokens: anyValue, completionTokens: anyValue, totalTokens: anyValue, success: anyValue,
      }, { requiredKeys: [] });
      const llm = test.factory.createMonitor('llm');
      let calls = 0;
      fc.assert(fc.property(input, (record) => {
        calls++;
        llm.recordLlmCall(record as never);
      }), { numRuns: 500 });
      await test.factory.flush();
      const stats = test.factory.stats();
      expect(stats.recordsWritten + stats.recordsDropped).to.equal(calls);
      const lines = await rawLines(test.baseDir, 'llm');
      expect(lines).to.have.length(stats.recordsWritten);
      for (const line of lines) {
        const record = JSON.parse(line) as Record<string, unknown>;
        expect(record['duration']).to.be.a('number').and.at.least(0);
        for (const key of ['prompt_tokens', 'completion_tokens', 'total_tokens']) {
          if (key in record) expect(Number.isInteger(record[key]) && (record[key] as number) >= 0, key).to.equal(true);
        }
      }
    });
  });
});
