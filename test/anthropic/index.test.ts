import { expect } from 'chai';
import Anthropic from '@anthropic-ai/sdk';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { instrumentAnthropic } from '../../src/anthropic/index.js';
import { PerflogSpanProcessor } from '../../src/otel/index.js';
import { useFakeLlm } from '../helpers/llm.js';

const params = { model: 'claude-x', max_tokens: 50, messages: [{ role: 'user' as const, content: 'hi' }] };

describe('perflog/anthropic', () => {
  const test = useFakeLlm();
  const client = (openTelemetry?: ConstructorParameters<typeof Anthropic>[0]): Anthropic =>
    instrumentAnthropic(new Anthropic({ apiKey: 'test', baseURL: test.server.anthropicBaseURL, maxRetries: 0, ...openTelemetry }), { factory: test.factory });

  describe('instrumentAnthropic()', () => {
    it('records messages.create with prompt tokens including cache reads, and cached_tokens', async () => {
      test.server.setBehaviour({ usage: { prompt: 30, completion: 6, cached: 10 } });
      const message = await client().messages.create(params);
      expect(message.usage.input_tokens).to.equal(20);
      const [record] = await test.written();
      expect(record).to.include({ provider: 'anthropic', model: 'claude-x', prompt_tokens: 30, completion_tokens: 6, total_tokens: 36, cached_tokens: 10, success: true });
    });

    it('records a stream with the last cumulative message_delta usage (not a sum) and time to first token', async () => {
      test.server.setBehaviour({ usage: { prompt: 12, completion: 9 }, chunks: 4 });
      const types: string[] = [];
      for await (const event of await client().messages.create({ ...params, stream: true })) types.push(event.type);
      expect(types.filter((t) => t === 'message_delta')).to.have.length(2);
      const [record] = await test.written();
      expect(record).to.include({ stream: true, prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 }).and.have.property('time_to_first_token');
    });

    it('records messages.stream() once, though it calls create() inside', async () => {
      const final = await client().messages.stream(params).finalMessage();
      expect(final.content[0]).to.include({ type: 'text' });
      const written = await test.written();
      expect(written).to.have.length(1);
      expect(written[0]).to.include({ stream: true, completion_tokens: 7 });
    });

    it('records an error event inside a 200 stream with its type, and a 429 with class and status', async () => {
      test.server.setBehaviour({ streamError: 'overloaded_error' });
      const error = await (async () => {
        for await (const _ of await client().messages.create({ ...params, stream: true }));
      })().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(Anthropic.APIError);
      test.server.setBehaviour({ status: 429 });
      expect(await client().messages.create(params).catch((e: unknown) => e)).to.be.instanceOf(Anthropic.RateLimitError);
      const written = await test.written();
      expect(written.map((r) => [r['success'], r['error']])).to.deep.equal([[false, 'overloaded_error'], [false, 'RateLimitError: 429']]);
    });

    it('records a call once when the SDK emits its own GenAI span and PerflogSpanProcessor is installed', async () => {
      const provider = new TracerProvider({ spanProcessors: [new PerflogSpanProcessor({ factory: test.factory })] });
      const traced = client({ openTelemetry: { tracerProvider: provider } });
      await traced.messages.create(params);
      await traced.messages.stream(params).finalMessage();
      const plain = new Anthropic({ apiKey: 'test', baseURL: test.server.anthropicBaseURL, maxRetries: 0, openTelemetry: { tracerProvider: provider } });
      await plain.messages.create(params);
      const written = await test.written();
      expect(written).to.have.length(3);
      // the uninstrumented client's call comes through the span processor, with the span's own ids
      expect(written[2]).to.include({ provider: 'anthropic' }).and.have.property('trace_id');
    });
  });
});
