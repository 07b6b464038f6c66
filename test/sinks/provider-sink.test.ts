import type { LogRecord, LoggerProvider } from '@opentelemetry/api';
import { expect } from 'chai';
import fc from 'fast-check';
import type { Attributes } from '../../src/index.js';
import { makeTempDir, rawLines, removeDir, testFactory } from '../helpers.js';

describe('ProviderSink', () => {
  it('emits attributes equal to the written line, key for key and in order, for any record (no parsing of the line)', async () => {
    const attributeValue = fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(undefined));
    const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'success', 'error', 'constructor'));
    const call = fc.record({
      kind: fc.constantFrom('timer', 'gauge', 'llm', 'tool'),
      attributes: fc.option(fc.dictionary(key, attributeValue, { maxKeys: 5 }), { nil: undefined }),
    });
    await fc.assert(fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 20 }), async (calls) => {
      const dir = await makeTempDir();
      // a provider that keeps what it is given (the SDK's would drop an empty attribute key, which the line keeps)
      const emitted: LogRecord[] = [];
      const provider: LoggerProvider = { getLogger: () => ({ emit: (record) => emitted.push(record), enabled: () => true }) };
      const { factory } = testFactory(dir, { loggerProvider: provider });
      try {
        for (const { kind, attributes: raw } of calls) {
          const attributes = raw as Attributes | undefined;
          if (kind === 'timer') factory.getWriter('prop').logTimer('t', 0.5, attributes);
          else if (kind === 'gauge') factory.getWriter('prop').logGauge('g', -3, attributes);
          else if (kind === 'llm') factory.createMonitor('llm').recordLlmCall({ model: 'm', provider: 'p', responseTime: 1, promptTokens: 2, attributes });
          else factory.createMonitor('tool').recordToolCall({ tool: 'x"\n', duration: 0.1, success: false, error: 'E', attributes });
        }
        await factory.flush();
        const lines = [...await rawLines(dir, 'prop'), ...await rawLines(dir, 'llm'), ...await rawLines(dir, 'tool')];
        expect(emitted).to.have.length(lines.length);
        // keyed by the parsed object's own text: an integer-like key comes first in any JS object, parsed or built
        const byLine = new Map(lines.map((line) => JSON.parse(line) as Record<string, unknown>).map((parsed) => [JSON.stringify(parsed), parsed]));
        for (const record of emitted) {
          const json = JSON.stringify(record.attributes);
          const parsed = byLine.get(json);
          expect(parsed, json).to.not.equal(undefined);
          expect(Object.keys(record.attributes!)).to.deep.equal(Object.keys(parsed!));
          expect(record.body).to.equal(parsed!['operation']);
        }
      } finally {
        await factory.shutdown();
        await removeDir(dir);
      }
    }), { numRuns: 40 });
  });

  it('keeps each record whole when the provider records a perflog metric while it takes one (re-entrant sinks)', async () => {
    const dir = await makeTempDir();
    const emitted: LogRecord[] = [];
    let inner: (() => void) | undefined;
    const provider: LoggerProvider = { getLogger: () => ({ emit: (record) => { emitted.push(record); inner?.(); }, enabled: () => true }) };
    const { factory } = testFactory(dir, { loggerProvider: provider });
    try {
      const tool = factory.createMonitor('tool');
      inner = () => {
        inner = undefined;
        factory.getWriter('audit').logCounter('emitted');
      };
      tool.recordToolCall({ tool: 'search', duration: 0.1 });
      await factory.flush();
      expect(emitted.map((r) => [r.body, r.attributes!['module']])).to.deep.equal([['tool_call', 'tool'], ['emitted', 'audit']]);
      expect((await rawLines(dir, 'tool')).map((line) => (JSON.parse(line) as Record<string, unknown>)['operation'])).to.deep.equal(['tool_call']);
      expect(await rawLines(dir, 'audit')).to.have.length(1);
    } finally {
      await factory.shutdown();
      await removeDir(dir);
    }
  });
});
