import { expect } from 'chai';
import fc from 'fast-check';
import OpenAI from 'openai';
import type { FakeBehaviour } from '../../examples/support/fake-llm-server.js';
import { instrumentOpenAI } from '../../src/openai/index.js';
import { useFakeLlm } from '../helpers/llm.js';

interface Scenario {
  api: 'chat' | 'responses';
  behaviour: FakeBehaviour;
  includeUsage: boolean;
  exitAfter: number | undefined;
}

interface Seen {
  chunks: string[];
  error: string | undefined;
}

async function read(client: OpenAI, scenario: Scenario): Promise<Seen> {
  const chunks: string[] = [];
  try {
    const stream = scenario.api === 'chat'
      ? await client.chat.completions.create({
        model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true,
        ...(scenario.includeUsage ? { stream_options: { include_usage: true } } : {}),
      })
      : await client.responses.create({ model: 'm', input: 'hi', stream: true });
    for await (const chunk of stream) {
      chunks.push(JSON.stringify(chunk));
      if (scenario.exitAfter !== undefined && chunks.length >= scenario.exitAfter) break;
    }
    return { chunks, error: undefined };
  } catch (error) {
    return { chunks, error: (error as Error).constructor.name };
  }
}

describe('observeStream()', () => {
  const test = useFakeLlm();

  it('property: one record per call however it ends, and the app sees exactly the chunks it sees without perflog', async () => {
    const scenario = fc.record<Scenario>({
      api: fc.constantFrom('chat', 'responses'),
      includeUsage: fc.boolean(),
      exitAfter: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
      behaviour: fc.oneof(
        fc.record({ chunks: fc.integer({ min: 1, max: 5 }) }),
        fc.record({ chunks: fc.integer({ min: 1, max: 5 }), cutAfterEvents: fc.integer({ min: 0, max: 6 }) }),
        fc.record({ chunks: fc.integer({ min: 1, max: 5 }), streamError: fc.constantFrom('server_error', 'overloaded') }),
        fc.record({ status: fc.constantFrom(429, 500) }),
      ),
    });
    const plain = new OpenAI({ apiKey: 'test', baseURL: test.server.openaiBaseURL, maxRetries: 0 });
    const instrumented = instrumentOpenAI(new OpenAI({ apiKey: 'test', baseURL: test.server.openaiBaseURL, maxRetries: 0 }), { factory: test.factory });
    let calls = 0;
    await fc.assert(fc.asyncProperty(scenario, async (s) => {
      test.server.setBehaviour(s.behaviour);
      const expected = await read(plain, s);
      const actual = await read(instrumented, s);
      calls++;
      expect(actual).to.deep.equal(expected);
      const written = await test.written();
      expect(written).to.have.length(calls);
      const record = written.at(-1)!;
      const sawFailedEvent = actual.chunks.some((chunk) => chunk.includes('"response.failed"'));
      if (actual.error !== undefined) expect(record).to.include({ success: false });
      else if (s.exitAfter !== undefined && actual.chunks.length === s.exitAfter) expect(record).to.include({ aborted: true, success: !sawFailedEvent });
      else expect(record).to.include({ success: !sawFailedEvent }).and.not.have.property('aborted');
    }), { numRuns: 25 });
  });
});
