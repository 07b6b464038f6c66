import { expect } from 'chai';
import type { AIMessageChunk } from '@langchain/core/messages';
import { END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { ChatOpenAI, ChatOpenAICompletions } from '@langchain/openai';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import OpenAI from 'openai';
import { startFakeLlmServer } from '../../examples/support/fake-llm-server.js';
import type { FakeLlmServer } from '../../examples/support/fake-llm-server.js';
import { instrumentOpenAI } from '../../src/openai/index.js';
import { PerflogCallbackHandler } from '../../src/langchain/index.js';
import { PerflogSpanProcessor } from '../../src/otel/index.js';
import { records, useTempFactory } from '../helpers.js';
import type { PerformanceMonitorFactory } from '../../src/index.js';

const INPUT = { messages: [{ role: 'user', content: 'hi' }] };

/** A one-node LangGraph app whose ChatOpenAI calls `client` (instrumented or not), streaming or not. */
function buildApp(
  baseURL: string, factory: PerformanceMonitorFactory, options: { instrumented: boolean; streaming: boolean; client?: OpenAI },
) {
  const fields = { model: 'gpt-4o-mini', apiKey: 'test-key', maxRetries: 0, configuration: { baseURL } };
  // ChatOpenAI creates its client lazily; an app hands it its own (instrumented) one through `completions`.
  const completions = new ChatOpenAICompletions(fields);
  const client = options.client ?? new OpenAI({ apiKey: 'test-key', baseURL, maxRetries: 0 });
  completions.client = options.instrumented ? instrumentOpenAI(client, { factory }) : client;
  const model = new ChatOpenAI({ ...fields, completions });
  return new StateGraph(MessagesAnnotation)
    .addNode('agent', async (state: typeof MessagesAnnotation.State) => {
      if (!options.streaming) return { messages: [await model.invoke(state.messages)] };
      let message: AIMessageChunk | undefined;
      for await (const chunk of await model.stream(state.messages)) message = message === undefined ? chunk : message.concat(chunk);
      return { messages: message === undefined ? [] : [message] };
    })
    .addEdge(START, 'agent')
    .addEdge('agent', END)
    .compile();
}

describe('one llm_call per model call across perflog/langchain and perflog/openai', () => {
  const test = useTempFactory();
  let server: FakeLlmServer;
  before(async () => {
    server = await startFakeLlmServer({ behaviour: { text: 'Hello there.', usage: { prompt: 12, completion: 3 } } });
  });
  after(() => server.close());

  for (const streaming of [false, true]) {
    it(`${streaming ? 'streaming' : 'not streaming'}: both adapters write one record per call, and each alone writes one`, async () => {
      const both = buildApp(server.openaiBaseURL, test.factory, { instrumented: true, streaming });
      await both.invoke(INPUT, { callbacks: [new PerflogCallbackHandler({ factory: test.factory })] });
      await both.invoke(INPUT, { callbacks: [new PerflogCallbackHandler({ factory: test.factory })] });
      await both.invoke(INPUT); // the client adapter alone
      await buildApp(server.openaiBaseURL, test.factory, { instrumented: false, streaming })
        .invoke(INPUT, { callbacks: [new PerflogCallbackHandler({ factory: test.factory })] }); // the callbacks alone
      // A direct client call after a LangChain run, in the same async context, is recorded by the client adapter.
      const direct = instrumentOpenAI(new OpenAI({ apiKey: 'test-key', baseURL: server.openaiBaseURL, maxRetries: 0 }), { factory: test.factory });
      await direct.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      await test.factory.flush();
      const llm = await records(test.baseDir, 'llm');
      expect(llm).to.have.length(5);
      for (const record of llm) {
        expect(record['success']).to.equal(true);
        expect(record['prompt_tokens']).to.equal(12);
        expect(record['completion_tokens']).to.equal(3);
      }
      expect(llm.slice(0, 4).map((record) => record['time_to_first_token'] !== undefined)).to.deep.equal(Array(4).fill(streaming));
      expect(test.errors).to.deep.equal([]);
    });
  }

  it('a GenAI span started inside a recorded LangChain model run is not recorded again by PerflogSpanProcessor', async () => {
    const tracer = new TracerProvider({ spanProcessors: [new PerflogSpanProcessor({ factory: test.factory })] }).getTracer('test');
    // A client whose HTTP calls emit a GenAI span, as an OTel instrumentation of the SDK would.
    const traced = new OpenAI({
      apiKey: 'test-key', baseURL: server.openaiBaseURL, maxRetries: 0,
      fetch: async (url, init) => {
        const span = tracer.startSpan('chat gpt-4o-mini', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini' } });
        try {
          return await fetch(url, init);
        } finally {
          span.end();
        }
      },
    });
    await buildApp(server.openaiBaseURL, test.factory, { instrumented: false, streaming: false, client: traced })
      .invoke(INPUT, { callbacks: [new PerflogCallbackHandler({ factory: test.factory })] });
    await traced.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await test.factory.flush();
    const llm = await records(test.baseDir, 'llm');
    expect(llm).to.have.length(2);
    expect(llm[0]).to.not.have.property('trace_id');
    expect(llm[1]).to.have.property('trace_id');
  });
});
