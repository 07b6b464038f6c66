import { expect } from 'chai';
import OpenAI from 'openai';
import { LlmPerformanceMonitor } from '../../src/index.js';
import type { LlmCallRecord } from '../../src/index.js';
import { instrumentOpenAI } from '../../src/openai/index.js';
import { useFakeLlm } from '../helpers/llm.js';

const messages = [{ role: 'user' as const, content: 'hi' }];

describe('perflog/openai', () => {
  const test = useFakeLlm();
  const client = (maxRetries = 0): OpenAI =>
    instrumentOpenAI(new OpenAI({ apiKey: 'test', baseURL: test.server.openaiBaseURL, maxRetries }), { factory: test.factory });

  describe('instrumentOpenAI()', () => {
    it('returns the same client and records a non-streamed chat completion with the server usage', async () => {
      const plain = new OpenAI({ apiKey: 'test', baseURL: test.server.openaiBaseURL });
      expect(instrumentOpenAI(plain, { factory: test.factory })).to.equal(plain);
      test.server.setBehaviour({ text: 'secret answer', usage: { prompt: 20, completion: 5, cached: 8, reasoning: 2 } });
      const completion = await plain.chat.completions.create({ model: 'gpt-x', messages });
      expect(completion.choices[0]?.message.content).to.equal('secret answer');
      const [record, ...rest] = await test.written();
      expect(rest).to.have.length(0);
      expect(record).to.include({
        operation: 'llm_call', success: true, model: 'gpt-x', provider: 'openai', prompt_tokens: 20, completion_tokens: 5,
        total_tokens: 25, cached_tokens: 8, reasoning_tokens: 2,
      });
      expect(record).to.not.have.property('stream');
      expect(JSON.stringify(record)).to.not.include('secret').and.not.include('hi"');
    });

    it('records a stream with include_usage: one record, time to first token, every chunk passed on unchanged', async () => {
      test.server.setBehaviour({ text: 'abcdef', chunks: 3, usage: { prompt: 4, completion: 3 } });
      const stream = await client().chat.completions.create({ model: 'm', messages, stream: true, stream_options: { include_usage: true } });
      expect(stream.controller).to.be.instanceOf(AbortController);
      const contents: string[] = [];
      for await (const chunk of stream) contents.push(chunk.choices[0]?.delta.content ?? (chunk.usage ? 'usage' : '-'));
      expect(contents).to.deep.equal(['', 'ab', 'cd', 'ef', '-', 'usage']);
      const [record, ...rest] = await test.written();
      expect(rest).to.have.length(0);
      expect(record).to.include({ success: true, stream: true, prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
      expect(record!['time_to_first_token']).to.be.a('number').at.most(record!['duration'] as number);
      expect(record).to.not.have.property('aborted');
    });

    it('records a stream without usage with no token fields (never estimated), and tool-call deltas as first output', async () => {
      test.server.setBehaviour({ toolCall: { name: 'search', arguments: '{"q":"x"}' } });
      const stream = await client().chat.completions.create({ model: 'm', messages, stream: true });
      let chunks = 0;
      for await (const chunk of stream) chunks += chunk.choices.length;
      expect(chunks).to.equal(4);
      const [record] = await test.written();
      expect(record).to.include({ success: true, stream: true }).and.not.have.property('prompt_tokens');
      expect(record).to.have.property('time_to_first_token');
    });

    it('keeps tee() and toReadableStream() working, still one record per call', async () => {
      const [left, right] = (await client().chat.completions.create({ model: 'm', messages, stream: true })).tee();
      let a = 0;
      let b = 0;
      for await (const _ of left) a++;
      for await (const _ of right) b++;
      expect(a).to.equal(5).and.equal(b);
      const readable = (await client().chat.completions.create({ model: 'm', messages, stream: true })).toReadableStream();
      const text = await new Response(readable).text();
      expect(text.trim().split('\n')).to.have.length(5);
      const written = await test.written();
      expect(written.map((r) => r['aborted'])).to.deep.equal([undefined, undefined]);
    });

    it('records an early exit as aborted with success, an abort through the controller as aborted', async () => {
      test.server.setBehaviour({ endless: true });
      for await (const _ of await client().chat.completions.create({ model: 'm', messages, stream: true })) break;
      const stream = await client().chat.completions.create({ model: 'm', messages, stream: true });
      let seen = 0;
      try {
        for await (const _ of stream) if (++seen === 2) stream.controller.abort();
      } catch {
        // the SDK may end the iteration quietly or throw; both are recorded as aborted
      }
      const [early, aborted, ...rest] = await test.written();
      expect(rest).to.have.length(0);
      expect(early).to.include({ aborted: true, success: true, stream: true });
      expect(aborted).to.include({ aborted: true, stream: true });
    });

    it('records an abandoned stream at flush() as aborted, and a request still in flight only at shutdown()', async () => {
      await client().chat.completions.create({ model: 'm', messages, stream: true });
      expect(await test.written()).to.have.length(1);
      test.server.setBehaviour({ delayMs: 60_000 });
      void client().chat.completions.create({ model: 'm', messages }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await test.written()).to.have.length(1);
      await test.factory.shutdown();
      const written = await test.written().catch(() => []);
      expect(written.map((r) => r['aborted'])).to.deep.equal([true, true]);
    });

    it('records 429 and 500 as failures named after the error class and status, rethrown unchanged, retries inside one record', async () => {
      test.server.setBehaviour({ status: 429 });
      const error = await client().chat.completions.create({ model: 'm', messages }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(OpenAI.RateLimitError);
      test.server.setBehaviour({ status: 500 });
      await client(2).chat.completions.create({ model: 'm', messages }).catch(() => undefined);
      expect(test.server.requests).to.equal(4);
      const written = await test.written();
      expect(written.map((r) => [r['success'], r['error']])).to.deep.equal([[false, 'RateLimitError: 429'], [false, 'InternalServerError: 500']]);
    });

    it('records a connection cut mid-stream and an error payload inside a 200 stream as failures', async () => {
      test.server.setBehaviour({ cutAfterEvents: 2 });
      const read = async (): Promise<unknown> => {
        try {
          for await (const _ of await client().chat.completions.create({ model: 'm', messages, stream: true }));
          return undefined;
        } catch (error) {
          return error;
        }
      };
      expect(await read()).to.be.instanceOf(Error);
      test.server.setBehaviour({ streamError: 'server_error' });
      expect(await read()).to.be.instanceOf(OpenAI.APIError);
      const [cut, inside] = await test.written();
      expect(cut).to.include({ success: false, stream: true });
      expect(inside).to.include({ success: false, error: 'server_error' });
    });

    it('keeps withResponse() and asResponse() working; asResponse leaves the body unread and records no tokens', async () => {
      const { data, response, request_id } = await client().chat.completions.create({ model: 'm', messages }).withResponse();
      expect(data.usage?.total_tokens).to.equal(18);
      expect(request_id).to.equal('req_0');
      expect(response.status).to.equal(200);
      const raw = await client().chat.completions.create({ model: 'm', messages }).asResponse();
      expect(raw.bodyUsed).to.equal(false);
      expect(((await raw.json()) as { usage: { total_tokens: number } }).usage.total_tokens).to.equal(18);
      const [withResponse, asResponse] = await test.written();
      expect(withResponse).to.include({ total_tokens: 18 });
      expect(asResponse).to.include({ success: true }).and.not.have.property('total_tokens');
    });

    it('records the Responses API, streamed and not, and response.failed inside a 200 stream', async () => {
      test.server.setBehaviour({ usage: { prompt: 9, completion: 3, cached: 1 } });
      const response = await client().responses.create({ model: 'r', input: 'hi' });
      expect(response.output_text).to.equal('Hello from the fake model.');
      const types: string[] = [];
      for await (const event of await client().responses.create({ model: 'r', input: 'hi', stream: true })) types.push(event.type);
      expect(types.at(-1)).to.equal('response.completed');
      test.server.setBehaviour({ streamError: 'server_error' });
      for await (const _ of await client().responses.create({ model: 'r', input: 'hi', stream: true }));
      const [plain, streamed, failed] = await test.written();
      expect(plain).to.include({ model: 'r', prompt_tokens: 9, completion_tokens: 3, cached_tokens: 1 });
      expect(streamed).to.include({ stream: true, prompt_tokens: 9, total_tokens: 12 }).and.have.property('time_to_first_token');
      expect(failed).to.include({ success: false, error: 'server_error', stream: true });
    });

    it('records once when instrumented twice, with the provider option', async () => {
      const c = client();
      instrumentOpenAI(c, { factory: test.factory, provider: 'vllm' });
      await c.chat.completions.create({ model: 'm', messages });
      expect((await test.written()).map((r) => r['provider'])).to.deep.equal(['openai']);
    });

    it('hands the call to a monitor type registered in place of the built-in llm one, as one recordLlmCall', async () => {
      const seen: LlmCallRecord[] = [];
      test.factory.registerMonitorType('llm', (writer) => new (class extends LlmPerformanceMonitor {
        override recordLlmCall(record: LlmCallRecord): void {
          seen.push(record);
          super.recordLlmCall({ ...record, attributes: { ...record.attributes, team: 'search' } });
        }
      })(writer));
      test.server.setBehaviour({ usage: { prompt: 3, completion: 2, cached: 1 } });
      await client().chat.completions.create({ model: 'm', messages });
      const written = await test.written();
      expect(seen).to.have.length(1);
      expect(seen[0]).to.include({ model: 'm', provider: 'openai', promptTokens: 3, completionTokens: 2, totalTokens: 5, success: true });
      expect(seen[0]!.attributes).to.include({ cached_tokens: 1 });
      expect(written).to.have.length(1);
      expect(written[0]).to.include({ team: 'search', cached_tokens: 1 });
    });

    it('rejects a value that is not a client', () => {
      expect(() => instrumentOpenAI({} as never)).to.throw(TypeError, /chat\.completions\.create/);
    });
  });
});
