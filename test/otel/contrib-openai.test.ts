/**
 * PerflogSpanProcessor with spans from a real instrumentation: the OpenTelemetry contrib instrumentation-openai, which
 * hooks only openai < 7, so it runs from a fixture folder of its own with openai 6 (installed here on first use).
 */
import { expect } from 'chai';
import { createRequire } from 'node:module';
import type { MeterProvider } from '@opentelemetry/api';
import { metrics } from '@opentelemetry/api';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import type OpenAI from 'openai';
import { instrumentOpenAI } from '../../src/openai/index.js';
import { PerflogSpanProcessor } from '../../src/otel/index.js';
import { OPENAI6_FIXTURE as fixture, installOpenAI6Fixture } from '../helpers/openai6-fixture.js';
import { useFakeLlm } from '../helpers/llm.js';

interface Instrumentation {
  setTracerProvider(provider: TracerProvider): void;
  setMeterProvider(provider: MeterProvider): void;
  enable(): void;
  disable(): void;
}

describe('PerflogSpanProcessor with @opentelemetry/instrumentation-openai (openai 6)', function () {
  this.timeout(180_000);
  const test = useFakeLlm();
  let instrumentation: Instrumentation;
  let processor: PerflogSpanProcessor;
  let OpenAI6: typeof OpenAI;

  before(() => {
    installOpenAI6Fixture();
    const require = createRequire(`${fixture}/package.json`);
    const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai') as { OpenAIInstrumentation: new () => Instrumentation };
    instrumentation = new OpenAIInstrumentation();
    const provider = new TracerProvider({ spanProcessors: [{
      onStart: (span, context) => processor.onStart(span, context),
      onEnd: (span) => processor.onEnd(span),
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    }] });
    instrumentation.setTracerProvider(provider);
    // its stream wrapper records a duration metric and fails without instruments: give it the API's no-op meters
    instrumentation.setMeterProvider(metrics.getMeterProvider());
    instrumentation.enable();
    OpenAI6 = (require('openai') as { default: typeof OpenAI }).default;
  });
  after(() => instrumentation.disable());
  beforeEach(() => {
    processor = new PerflogSpanProcessor({ factory: test.factory });
  });

  const messages = [{ role: 'user' as const, content: 'hi' }];

  it('records the chat span of an uninstrumented openai 6 client: model, provider, tokens, the span ids', async () => {
    test.server.setBehaviour({ usage: { prompt: 13, completion: 4 } });
    const client = new OpenAI6({ apiKey: 'test', baseURL: test.server.openaiBaseURL, maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-six', messages });
    const [record, ...rest] = await test.written();
    expect(rest).to.have.length(0);
    expect(record).to.include({ operation: 'llm_call', model: 'gpt-six', provider: 'openai', prompt_tokens: 13, completion_tokens: 4, success: true });
    expect(record).to.have.property('trace_id').that.matches(/^[0-9a-f]{32}$/);
  });

  it('records once when perflog/openai also instruments the openai 6 client (streamed and not)', async () => {
    const client = instrumentOpenAI(new OpenAI6({ apiKey: 'test', baseURL: test.server.openaiBaseURL, maxRetries: 0 }), { factory: test.factory });
    await client.chat.completions.create({ model: 'm', messages });
    for await (const _ of await client.chat.completions.create({ model: 'm', messages, stream: true, stream_options: { include_usage: true } }));
    const written = await test.written();
    expect(written).to.have.length(2);
    expect(written[1]).to.include({ stream: true, total_tokens: 18 }).and.have.property('time_to_first_token');
  });
});
