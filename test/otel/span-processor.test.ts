import { expect } from 'chai';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { PerflogSpanProcessor } from '../../src/otel/index.js';
import { useFakeLlm } from '../helpers/llm.js';

describe('PerflogSpanProcessor', () => {
  const test = useFakeLlm();
  const tracer = (): ReturnType<TracerProvider['getTracer']> =>
    new TracerProvider({ spanProcessors: [new PerflogSpanProcessor({ factory: test.factory })] }).getTracer('t');

  describe('onEnd()', () => {
    it('turns a chat span into an llm_call with the span duration, tokens and its own ids, no context manager needed', async () => {
      const span = tracer().startSpan('chat m', { attributes: {
        'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'req-model',
        'gen_ai.response.model': 'resp-model', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 4,
      } });
      span.end();
      const [record] = await test.written();
      expect(record).to.include({
        operation: 'llm_call', model: 'resp-model', provider: 'openai', prompt_tokens: 10, completion_tokens: 4, total_tokens: 14, success: true,
        trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId,
      });
      expect(trace.getActiveSpan()).to.equal(undefined);
    });

    it('writes execute_tool spans as tool_call, ERROR status as a failure named by error.type, unknown when not revealed', async () => {
      const t = tracer();
      t.startSpan('execute_tool search', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' } }).end();
      const failed = t.startSpan('chat', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic', 'error.type': '429' } });
      failed.setStatus({ code: SpanStatusCode.ERROR });
      failed.end();
      t.startSpan('embeddings', { attributes: { 'gen_ai.operation.name': 'embeddings' } }).end();
      const [tool] = await test.written('tool');
      expect(tool).to.include({ operation: 'tool_call', tool: 'search', success: true });
      const [chat, embeddings] = await test.written();
      expect(chat).to.include({ success: false, error: '429', provider: 'anthropic', model: 'unknown' });
      expect(embeddings).to.include({ model: 'unknown', provider: 'unknown', gen_ai_operation: 'embeddings' });
    });

    it('writes nothing for other spans, and a bad token attribute is left out rather than failing', async () => {
      const t = tracer();
      for (let i = 0; i < 50; i++) t.startSpan('GET /').end();
      t.startSpan('chat', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': -3 } }).end();
      const written = await test.written();
      expect(written).to.have.length(1);
      expect(written[0]).to.not.have.property('prompt_tokens');
      expect(test.factory.stats().recordsDropped).to.equal(0);
    });
  });
});
