import { expect } from 'chai';
import { MemorySaver } from '@langchain/langgraph';
import { startFakeLlmServer } from '../../examples/support/fake-llm-server.js';
import type { FakeLlmServer } from '../../examples/support/fake-llm-server.js';
import { agentBehaviour, buildAgent } from '../../examples/support/langgraph-agent.js';
import { PerflogCallbackHandler, instrumentCheckpointer } from '../../src/langchain/index.js';
import { records, useTempFactory } from '../helpers.js';

const INPUT = { messages: [{ role: 'user', content: 'weather in Paris?' }] };

describe('PerflogCallbackHandler', () => {
  const test = useTempFactory();
  let server: FakeLlmServer;
  before(async () => {
    server = await startFakeLlmServer({ behaviour: agentBehaviour });
  });
  after(() => server.close());

  for (const streaming of [false, true]) {
    it(`records each node with its step, each model call with tokens${streaming ? ' and time to first token' : ''} and each tool, per run`, async () => {
      const handler = new PerflogCallbackHandler({ factory: test.factory });
      const app = buildAgent({ baseURL: server.openaiBaseURL, checkpointer: instrumentCheckpointer(new MemorySaver(), { factory: test.factory }), streaming });
      const result = await app.invoke(INPUT, { configurable: { thread_id: 't1' }, callbacks: [handler] });
      expect(result.messages.at(-1)?.content).to.equal('Sunny today.');
      await test.factory.flush();
      const nodes = await records(test.baseDir, 'workflow');
      expect(nodes.map((r) => [r['node'], r['step'], r['success']])).to.deep.equal(
        [['agent', 1, true], ['tools', 2, true], ['agent', 3, true], ['answer', 4, true]]);
      const calls = await records(test.baseDir, 'llm');
      expect(calls).to.have.length(2);
      expect(calls[0]).to.include({ model: 'gpt-4o-mini', provider: 'openai', prompt_tokens: 30, completion_tokens: 9, total_tokens: 39, success: true });
      expect(calls[1]).to.include({ prompt_tokens: 40, completion_tokens: 5, total_tokens: 45, cached_tokens: 8 });
      for (const call of calls) {
        if (streaming) {
          expect(call).to.include({ stream: true });
          expect(call['time_to_first_token']).to.be.a('number').and.at.most(call['duration'] as number);
        } else {
          expect(call).not.to.have.any.keys('stream', 'time_to_first_token');
        }
      }
      expect((await records(test.baseDir, 'tool')).map((r) => [r['tool'], r['success']])).to.deep.equal([['get_weather', true]]);
      const text = JSON.stringify([nodes, calls]);
      expect(text).not.to.include('Paris').and.not.to.include('Sunny');
      expect(handler.openRuns).to.equal(0);
      expect(test.factory.stats().recordsDropped).to.equal(0);
    });
  }

  it('records a failing model call and its node with the error name and HTTP status, and the app gets the same error', async () => {
    const failing = await startFakeLlmServer({ behaviour: { status: 429 } });
    try {
      const app = buildAgent({ baseURL: failing.openaiBaseURL });
      const error = await app.invoke(INPUT, { callbacks: [new PerflogCallbackHandler({ factory: test.factory })] }).catch((e: unknown) => e);
      expect(error).to.have.property('status', 429);
      await test.factory.flush();
      expect(await records(test.baseDir, 'llm')).to.have.length(1).and.to.satisfy(
        (rows: Record<string, unknown>[]) => rows[0]!['success'] === false && rows[0]!['error'] === `${(error as Error).constructor.name}: 429`);
      expect((await records(test.baseDir, 'workflow')).map((r) => [r['node'], r['success'], r['error']])).to.deep.equal(
        [['agent', false, `${(error as Error).constructor.name}: 429`]]);
    } finally {
      await failing.close();
    }
  });

  it('keeps at most maxOpenRuns runs open, counting the ones it forgets', async () => {
    const handler = new PerflogCallbackHandler({ factory: test.factory, maxOpenRuns: 2 });
    for (const id of ['r1', 'r2', 'r3']) handler.handleToolStart({ lc: 1, type: 'not_implemented', id: [] }, '', id, undefined, [], {}, 'search');
    expect([handler.openRuns, handler.droppedRuns]).to.deep.equal([2, 1]);
    handler.handleToolEnd('', 'r1');
    handler.handleToolEnd('', 'r3');
    await test.factory.flush();
    expect((await records(test.baseDir, 'tool')).map((r) => r['tool'])).to.deep.equal(['search']);
    expect(test.factory.stats().recordsDropped).to.equal(1);
    expect(() => new PerflogCallbackHandler({ maxOpenRuns: 0 })).to.throw(TypeError, /maxOpenRuns/);
  });
});
