import { expect } from 'chai';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, registerTelemetry, streamText, tool } from 'ai';
import { perflogTelemetry } from '../../src/ai-sdk/index.js';
import { useFakeLlm } from '../helpers/llm.js';

describe('perflog/ai-sdk', () => {
  const test = useFakeLlm();
  const model = () => createOpenAI({ apiKey: 'test', baseURL: test.server.openaiBaseURL })('gpt-fake');
  const telemetry = () => ({ integrations: [perflogTelemetry({ factory: test.factory })] });

  describe('perflogTelemetry()', () => {
    it('records generateText as one llm_call with provider, model and usage', async () => {
      test.server.setBehaviour({ usage: { prompt: 8, completion: 5, cached: 2, reasoning: 1 } });
      const result = await generateText({ model: model(), prompt: 'hi', telemetry: telemetry() });
      expect(result.text).to.equal('Hello from the fake model.');
      const [record, ...rest] = await test.written();
      expect(rest).to.have.length(0);
      expect(record).to.include({ provider: 'openai', model: 'gpt-fake', prompt_tokens: 8, completion_tokens: 5, total_tokens: 13, cached_tokens: 2, reasoning_tokens: 1, success: true });
    });

    it('records streamText with the SDK time to first output, and tool executions as tool_call', async () => {
      test.server.setBehaviour((request) => (request.index === 0 ? { toolCall: { name: 'lookup', arguments: '{"q":"x"}' } } : {}));
      const result = streamText({
        model: model(), prompt: 'hi', telemetry: telemetry(), stopWhen: ({ steps }) => steps.length >= 2,
        tools: { lookup: tool({
          inputSchema: jsonSchema<{ q: string }>({ type: 'object', properties: { q: { type: 'string' } }, required: ['q'] }),
          execute: ({ q }) => `found ${q}`,
        }) },
      });
      expect(await result.text).to.equal('Hello from the fake model.');
      const written = await test.written();
      expect(written).to.have.length(2);
      expect(written[1]).to.include({ stream: true }).and.have.property('time_to_first_token');
      const [toolRecord] = await test.written('tool');
      expect(toolRecord).to.include({ tool: 'lookup', success: true });
    });

    it('records a failed call (500) with success false', async () => {
      test.server.setBehaviour({ status: 500 });
      await generateText({ model: model(), prompt: 'hi', telemetry: telemetry(), maxRetries: 0 }).catch(() => undefined);
      const [record] = await test.written();
      expect(record).to.include({ success: false });
      expect(record!['error']).to.match(/Error/);
    });

    it('records a streamText the app aborts as aborted', async () => {
      test.server.setBehaviour({ endless: true, chunkDelayMs: 5 });
      const controller = new AbortController();
      const result = streamText({ model: model(), prompt: 'hi', telemetry: telemetry(), abortSignal: controller.signal });
      let parts = 0;
      try {
        for await (const _ of result.textStream) if (++parts === 2) controller.abort();
      } catch {
        // the SDK may end the stream quietly or throw the abort
      }
      const [record, ...rest] = await test.written();
      expect(rest).to.have.length(0);
      expect(record).to.include({ aborted: true, success: false });
    });
  });

  describe('registerTelemetry(perflogTelemetry())', () => {
    /** Where `ai` 7 keeps the registered integrations (it has no unregister): emptied after each test. */
    const registry = globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown };
    afterEach(() => {
      delete registry.AI_SDK_TELEMETRY_INTEGRATIONS;
    });

    it('records calls without per-call telemetry, streamed and not; a per-call integration replaces it for that call', async () => {
      registerTelemetry(perflogTelemetry({ factory: test.factory }));
      test.server.setBehaviour({ usage: { prompt: 8, completion: 5 } });
      await generateText({ model: model(), prompt: 'hi' });
      expect(await streamText({ model: model(), prompt: 'hi' }).text).to.equal('Hello from the fake model.');
      let perCallStarts = 0;
      await generateText({ model: model(), prompt: 'hi', telemetry: { integrations: [{ onLanguageModelCallStart: () => { perCallStarts++; } }] } });
      const written = await test.written();
      expect(perCallStarts).to.equal(1);
      expect(written).to.have.length(2);
      expect(written[0]).to.include({ provider: 'openai', model: 'gpt-fake', prompt_tokens: 8, completion_tokens: 5, success: true });
      expect(written[0]).to.not.have.property('stream');
      expect(written[1]).to.include({ stream: true, success: true }).and.have.property('time_to_first_token');
    });
  });
});
