import type { LogRecord, LoggerProvider } from '@opentelemetry/api';
import { expect } from 'chai';
import fc from 'fast-check';
import { ABORTED_FLAG, STREAM_FLAG, callRecord } from '../../src/llm-call-values.js';
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

  describe('recordAdapterCall() (the adapters\' record, internal)', () => {
    it('property: writes the line recordLlmCall writes for the same call with stream, aborted, cached and reasoning tokens as attributes (as callRecord gives them)', async () => {
      const count = fc.option(fc.nat(), { nil: undefined });
      const seconds = fc.double({ min: 0, max: 1e4, noNaN: true });
      const call = fc.record({
        model: fc.string({ unit: 'binary', maxLength: 8 }), provider: fc.string({ unit: 'binary', maxLength: 8 }), responseTime: seconds,
        usage: fc.option(fc.record({ promptTokens: count, completionTokens: count, totalTokens: count, cachedTokens: count, reasoningTokens: count }), { nil: undefined }),
        timeToFirstToken: fc.option(seconds, { nil: undefined }), isStream: fc.boolean(), isAborted: fc.boolean(),
        error: fc.option(fc.string({ unit: 'binary', maxLength: 8 }), { nil: undefined }),
      });
      const llm = test.factory.createMonitor('llm');
      const calls = fc.sample(call, 200);
      for (const c of calls) {
        const values = [0, c.responseTime, c.timeToFirstToken ?? Number.NaN, c.usage?.promptTokens ?? Number.NaN, c.usage?.completionTokens ?? Number.NaN,
          c.usage?.totalTokens ?? Number.NaN, c.usage?.cachedTokens ?? Number.NaN, c.usage?.reasoningTokens ?? Number.NaN,
          (c.isStream ? STREAM_FLAG : 0) | (c.isAborted ? ABORTED_FLAG : 0)];
        // a run of values among others: at is honoured
        llm.recordAdapterCall(c.model, c.provider, [7, 7, ...values], 2, c.error);
        llm.recordLlmCall(callRecord(c.model, c.provider, values, 0, c.error));
        const attributes: Record<string, number | boolean> = {};
        if (c.isStream) attributes['stream'] = true;
        if (c.isAborted) attributes['aborted'] = true;
        if (c.usage?.cachedTokens !== undefined) attributes['cached_tokens'] = c.usage.cachedTokens;
        if (c.usage?.reasoningTokens !== undefined) attributes['reasoning_tokens'] = c.usage.reasoningTokens;
        llm.recordLlmCall({
          model: c.model, provider: c.provider, responseTime: c.responseTime, promptTokens: c.usage?.promptTokens,
          completionTokens: c.usage?.completionTokens, totalTokens: c.usage?.totalTokens, timeToFirstToken: c.timeToFirstToken,
          success: c.error === undefined, error: c.error, attributes,
        });
      }
      await test.factory.flush();
      const lines = (await rawLines(test.baseDir, 'llm')).map((line) => line.replace(/^\{"timestamp":[\d.e+-]+,/, '{'));
      expect(lines).to.have.length(calls.length * 3);
      for (let i = 0; i < lines.length; i += 3) expect([lines[i], lines[i + 1]]).to.deep.equal([lines[i + 2], lines[i + 2]]);
    });

    it('drops a duration a library reported out of range, naming it, as recordLlmCall does', async () => {
      const llm = test.factory.createMonitor('llm');
      const values = (responseTime: number, timeToFirstToken: number): number[] => [0, responseTime, timeToFirstToken, 1, 1, 2, 0, 0, STREAM_FLAG];
      llm.recordAdapterCall('m', 'p', values(-1, Number.NaN), 0, undefined);
      llm.recordAdapterCall('m', 'p', values(1, -1), 0, undefined);
      await test.factory.flush();
      expect(await rawLines(test.baseDir, 'llm')).to.have.length(0);
      expect(test.factory.stats().recordsDropped).to.equal(2);
      expect(test.errors.map((error) => error.message).join('\n')).to.match(/responseTime/).and.match(/timeToFirstToken/);
    });
  });
});

