import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import type { LoggerProvider as ApiLoggerProvider } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { expect } from 'chai';
import { environmentOptions } from '../src/config.js';
import { PerformanceMonitorFactory } from '../src/index.js';
import type { PerflogError, PerflogOptions } from '../src/index.js';
import { OTEL_API_GLOBAL } from '../src/logger-writer.js';
import { resolveOptions } from '../src/options.js';
import { startReceiver } from './helpers/otlp-receiver.js';
import { TestContextManager } from './helpers/context-manager.js';

const SPAN = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
const inSpan = <T>(fn: () => T): T => context.with(trace.setSpan(context.active(), trace.wrapSpanContext(SPAN)), fn);

async function lines(path: string): Promise<Record<string, unknown>[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('OpenTelemetry integration', () => {
  let baseDir: string;
  const factories: PerformanceMonitorFactory[] = [];
  const make = (options: PerflogOptions): PerformanceMonitorFactory => {
    const factory = new PerformanceMonitorFactory({ baseDir, cleanup: { enabled: false }, ...options });
    factories.push(factory);
    return factory;
  };

  before(() => {
    expect(context.setGlobalContextManager(new TestContextManager())).to.equal(true);
  });
  after(() => context.disable());
  beforeEach(async () => {
    baseDir = await mkdtemp(join(tmpdir(), 'perflog-otel-'));
  });
  afterEach(async () => {
    await Promise.all(factories.splice(0).map((f) => f.shutdown()));
    await rm(baseDir, { recursive: true, force: true });
  });

  describe('loggerProvider', () => {
    const userProvider = (): { provider: LoggerProvider; exporter: InMemoryLogRecordExporter } => {
      const exporter = new InMemoryLogRecordExporter();
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({ 'service.name': 'app' }),
        processors: [new SimpleLogRecordProcessor({ exporter })],
      });
      return { provider, exporter };
    };

    it('emits every record into the user\'s provider, synchronously, and still writes the file', async () => {
      const { provider, exporter } = userProvider();
      const factory = make({ loggerProvider: provider });
      const llm = factory.createMonitor('llm');
      for (let i = 0; i < 100; i++) llm.recordLlmCall({ model: 'gpt-4', provider: 'openai', responseTime: 0.5, totalTokens: i, attributes: { seq: i } });
      const records = exporter.getFinishedLogRecords();
      expect(records).to.have.length(100);
      await factory.flush();
      const written = await lines(join(baseDir, 'logs/llm_metrics.log'));
      records.forEach((record, i) => {
        expect(record.attributes).to.deep.equal(written[i]);
        expect(Object.keys(record.attributes)).to.deep.equal(Object.keys(written[i]!));
        expect(record.body).to.equal('llm_call');
        expect(record.severityText).to.equal('INFO');
        expect(record.severityNumber).to.equal(9);
        expect(record.hrTime[0] * 1000 + record.hrTime[1] / 1e6).to.equal(Math.round((written[i]!['timestamp'] as number) * 1000));
        expect(record.instrumentationScope.name).to.equal('perflog');
        expect(record.resource.attributes['service.name']).to.equal('app');
      });
      expect(factory.stats()).to.include({ recordsExported: 100, exportErrors: 0 });
      await provider.shutdown();
    });

    it('writes no file with file.enabled false, and adds the GenAI attributes with genAiSemconv', async () => {
      const { provider, exporter } = userProvider();
      const factory = make({ loggerProvider: provider, file: { enabled: false }, otlp: { genAiSemconv: true } });
      factory.createMonitor('llm').recordLlmCall({ model: 'm', provider: 'p', responseTime: 1, promptTokens: 3, completionTokens: 4 });
      await factory.flush();
      const [record] = exporter.getFinishedLogRecords();
      expect(record!.attributes).to.include({ 'gen_ai.provider.name': 'p', 'gen_ai.request.model': 'm', 'gen_ai.usage.output_tokens': 4 });
      expect(await readdir(baseDir)).to.deep.equal([]);
      await provider.shutdown();
    });

    it('counts a provider that throws in exportErrors and never throws into the app', () => {
      const errors: PerflogError[] = [];
      const throwing: ApiLoggerProvider = { getLogger: () => ({ emit: () => { throw new Error('boom'); }, enabled: () => true }) };
      const factory = make({ loggerProvider: throwing, onError: (error) => errors.push(error) });
      expect(() => factory.createMonitor('tool').recordToolCall({ tool: 't', duration: 0 })).not.to.throw();
      expect(factory.stats()).to.include({ recordsWritten: 1, exportErrors: 1, recordsExported: 0 });
      expect(errors[0]!.message).to.match(/boom/);
    });
  });

  describe('trace correlation', () => {
    it('looks for the active span where @opentelemetry/api keeps its globals (skipped while there are none)', () => {
      // the suite's context manager (registered in before()) is in the slot perflog checks
      expect((globalThis as Record<symbol, { context?: unknown } | undefined>)[OTEL_API_GLOBAL]?.context).to.be.instanceOf(TestContextManager);
    });

    it('puts the active span\'s ids in the line and in the provider\'s record context', async () => {
      const exporter = new InMemoryLogRecordExporter();
      const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
      const factory = make({ loggerProvider: provider });
      inSpan(() => factory.createMonitor('tool').recordToolCall({ tool: 't', duration: 0.1 }));
      factory.createMonitor('tool').recordToolCall({ tool: 'outside', duration: 0.1 });
      await factory.flush();
      const [inside, outside] = await lines(join(baseDir, 'logs/tool_metrics.log'));
      expect(inside).to.include({ trace_id: SPAN.traceId, span_id: SPAN.spanId });
      expect(outside).not.to.have.property('trace_id');
      const [record, other] = exporter.getFinishedLogRecords();
      expect(record!.spanContext).to.include({ traceId: SPAN.traceId, spanId: SPAN.spanId, traceFlags: 1 });
      expect(other!.spanContext).to.equal(undefined);
      await provider.shutdown();
    });

    it('sets the OTLP record\'s trace and span ids from the line', async () => {
      const receiver = await startReceiver();
      try {
        const factory = make({ otlp: { enabled: true, endpoint: receiver.url, timeoutMillis: 2000 } });
        inSpan(() => factory.createMonitor('tool').recordToolCall({ tool: 't', duration: 0.1 }));
        await factory.flush();
        expect(receiver.records).to.have.length(1);
        expect(receiver.records[0]).to.include({ traceId: SPAN.traceId, spanId: SPAN.spanId });
        expect(receiver.records[0]!.attributes).to.include({ trace_id: SPAN.traceId, span_id: SPAN.spanId });
      } finally {
        await receiver.stop();
      }
    });
  });

  describe('environmentOptions()', () => {
    it('reads the OTLP logs endpoint, headers, timeout and the resource from the standard variables', () => {
      const options = environmentOptions({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
        OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=x%20y',
        OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'b=2',
        OTEL_EXPORTER_OTLP_TIMEOUT: '5000',
        OTEL_SERVICE_NAME: 'checkout',
        OTEL_RESOURCE_ATTRIBUTES: 'service.name=ignored,deployment.environment.name=prod',
      });
      expect(options.otlp).to.deep.equal({ endpoint: 'http://collector:4318/v1/logs', headers: { a: '1', b: '2' }, timeoutMillis: 5000 });
      expect(options.resource!.attributes).to.deep.equal({ 'service.name': 'checkout', 'deployment.environment.name': 'prod' });
      expect(environmentOptions({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'https://b/logs' }).otlp)
        .to.deep.equal({ endpoint: 'https://b/logs' });
    });

    it('ignores malformed variables and never enables OTLP by itself', () => {
      const options = environmentOptions({ OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'not a url', OTEL_EXPORTER_OTLP_TIMEOUT: '-1', OTEL_EXPORTER_OTLP_HEADERS: 'novalue' });
      expect(options).to.deep.equal({});
    });

    it('code wins over the environment; the resources are merged, code attributes winning', () => {
      const resolved = resolveOptions(
        { options: { otlp: { timeoutMillis: 100 }, resource: resourceFromAttributes({ 'service.name': 'code' }) } },
        { options: environmentOptions({ OTEL_EXPORTER_OTLP_TIMEOUT: '5000', OTEL_RESOURCE_ATTRIBUTES: 'service.name=env,team=a' }) },
      );
      expect(resolved.otlp.timeoutMillis).to.equal(100);
      expect(resolved.resource!.attributes).to.deep.equal({ 'service.name': 'code', team: 'a' });
    });
  });
});
