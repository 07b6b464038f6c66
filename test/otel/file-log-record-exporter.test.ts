import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT_CONTEXT, SeverityNumber, trace } from '@opentelemetry/api';
import { BatchLogRecordProcessor, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { expect } from 'chai';
import fc from 'fast-check';
import { PerformanceMonitorFactory, PerflogConfigError } from '../../src/index.js';
import type { PerflogError } from '../../src/index.js';
import { PerflogFileLogRecordExporter } from '../../src/otel/index.js';
import type { OtelExitMode, OtelWriterArgs } from '../fixtures/otel-file-writer.js';
import { readRecords, seqsInOrder } from '../fixtures/log-files.js';
import { acceptsConfig } from '../helpers.js';
import { runNode } from '../helpers/files.js';
import { resolveOptions } from '../../src/options.js';
import type { ChildResult } from '../helpers/files.js';

const WRITER = fileURLToPath(new URL('../fixtures/otel-file-writer.ts', import.meta.url));

function runOtelWriter(args: OtelWriterArgs, whileRunning?: (child: ChildProcess) => void): Promise<ChildResult> {
  return runNode(WRITER, [JSON.stringify(args)], {}, whileRunning);
}

const lines = (path: string): Array<Record<string, unknown>> =>
  readFileSync(path, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);

describe('PerflogFileLogRecordExporter', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perflog-otel-file-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const simpleProvider = (exporter: PerflogFileLogRecordExporter): LoggerProvider =>
    new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });

  describe('export()', () => {
    it('writes a perflog record as exactly its section 2 line', async () => {
      const exporter = new PerflogFileLogRecordExporter({ logDir: join(dir, 'otel') });
      const provider = simpleProvider(exporter);
      const factory = new PerformanceMonitorFactory({ baseDir: dir, loggerProvider: provider, cleanup: { enabled: false }, otlp: { genAiSemconv: true } });
      factory.createMonitor('llm').recordLlmCall({ model: 'gpt-4', provider: 'openai', responseTime: 2.1, promptTokens: 100, completionTokens: 200, attributes: { thread_id: 't"1' } });
      factory.createMonitor('checkpoint').recordCheckpointSave({ duration: 0.5, size: 1024 });
      await factory.shutdown();
      await provider.shutdown();
      const own = [...readFileSync(join(dir, 'logs/llm_metrics.log'), 'utf8').split('\n'), ...readFileSync(join(dir, 'logs/checkpoint_metrics.log'), 'utf8').split('\n')]
        .filter((line) => line !== '');
      expect(readFileSync(exporter.path, 'utf8')).to.equal(`${own.join('\n')}\n`);
    });

    it('writes any other record as the flat SPEC 11 line: severity, body, event, attributes (nested kept, colliding prefixed), span', async () => {
      const exporter = new PerflogFileLogRecordExporter({ logDir: dir });
      const provider = simpleProvider(exporter);
      const span = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 });
      const logger = provider.getLogger('app');
      logger.emit({
        timestamp: 1_704_110_400_123, severityText: 'WARN', severityNumber: SeverityNumber.WARN, body: 'disk "low"\n\u2028', eventName: 'disk.low',
        attributes: { timestamp: 'mine', body: 1, 'http.status': 503, tags: ['a', 'b'], nested: { x: 1, y: [true] } },
        context: trace.setSpan(ROOT_CONTEXT, span),
      });
      logger.emit({ timestamp: 1_704_110_400_000, severityNumber: SeverityNumber.ERROR, body: { message: 'structured', code: 7 } });
      await provider.shutdown();
      const text = readFileSync(exporter.path, 'utf8');
      expect(text).not.to.match(/\u2028/);
      const [first, second] = lines(exporter.path);
      expect(Object.keys(first!)).to.deep.equal([
        'timestamp', 'severity', 'body', 'event', 'attributes.timestamp', 'attributes.body', 'http.status', 'tags', 'nested', 'trace_id', 'span_id',
      ]);
      expect(first).to.deep.equal({
        timestamp: 1704110400.123, severity: 'WARN', body: 'disk "low"\n\u2028', event: 'disk.low', 'attributes.timestamp': 'mine',
        'attributes.body': 1, 'http.status': 503, tags: ['a', 'b'], nested: { x: 1, y: [true] },
        trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331',
      });
      expect(second).to.deep.equal({ timestamp: 1704110400, severity: 17, body: { message: 'structured', code: 7 } });
    });

    it('writes one parseable line per record whatever the strings and values hold', async () => {
      const exporter = new PerflogFileLogRecordExporter({ logDir: dir });
      const provider = simpleProvider(exporter);
      const logger = provider.getLogger('prop');
      const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 10 }), fc.double(), fc.boolean(), fc.array(fc.string({ unit: 'binary', maxLength: 4 }), { maxLength: 3 }));
      let emitted = 0;
      fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 20 }), fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), value, { maxKeys: 5 }), (body, attributes) => {
        logger.emit({ body, attributes });
        emitted++;
      }), { numRuns: 150 });
      await provider.shutdown();
      const written = readFileSync(exporter.path, 'utf8').split('\n');
      expect(written.pop()).to.equal('');
      expect(written).to.have.length(emitted);
      for (const line of written) expect(() => JSON.parse(line) as unknown, line).not.to.throw();
    });

    it('calls back with a failed ExportResult, counts and reports a write that fails (full disk)', async () => {
      const errors: PerflogError[] = [];
      const exporter = new PerflogFileLogRecordExporter({ logDir: '/dev', fileName: 'full', onError: (error) => errors.push(error) });
      const results: number[] = [];
      const record = { hrTime: [1, 0], attributes: {}, instrumentationScope: { name: 'x' } } as never;
      exporter.export([record, record], (result) => results.push(result.code));
      expect(results).to.deep.equal([1]);
      expect(exporter.stats()).to.include({ writeErrors: 1, recordsDropped: 2, recordsWritten: 0 });
      expect(errors[0]!.code).to.equal('PERFLOG_WRITE_FAILED');
      await exporter.shutdown();
    });

    it('fails exports after shutdown(), which is idempotent', async () => {
      const exporter = new PerflogFileLogRecordExporter({ logDir: dir });
      const first = exporter.shutdown();
      expect(exporter.shutdown()).to.equal(first);
      const results: number[] = [];
      exporter.export([], (result) => results.push(result.code));
      expect(results).to.deep.equal([1]);
      await first;
    });

    it('rejects bad options with PerflogConfigError naming the option', () => {
      expect(() => new PerflogFileLogRecordExporter({ maxSizeMb: 0 })).to.throw(PerflogConfigError, /maxSizeMb/);
      expect(() => new PerflogFileLogRecordExporter({ fileName: 'a/b' })).to.throw(PerflogConfigError, /fileName/);
      expect(() => new PerflogFileLogRecordExporter({ rotateInterval: 'weekly' as never })).to.throw(PerflogConfigError, /rotateInterval/);
      expect(() => new PerflogFileLogRecordExporter({ fileName: '..' })).to.throw(PerflogConfigError, /^fileName must be a file name without a directory/);
      expect(() => new PerflogFileLogRecordExporter({ logDir: dir, colour: 'red' } as never))
        .to.throw(PerflogConfigError, /^colour must be one of the known options \(logDir, fileName, maxSizeMb, rotateInterval, onError\)/);
    });

    it('accepts exactly the values the factory accepts for the same options (fast-check)', async () => {
      const value = fc.oneof(
        fc.double(), fc.integer({ min: -2, max: 200 }), fc.constantFrom('none', 'hourly', 'daily', 'weekly', '', 'a.log', '..', 'a/b', 'x\0y', 'a'.repeat(129), null),
        fc.string({ maxLength: 6 }), fc.boolean(),
      );
      // each is the factory's file.<same name> option
      await fc.assert(fc.asyncProperty(fc.constantFrom<'maxSizeMb' | 'rotateInterval' | 'fileName'>('maxSizeMb', 'rotateInterval', 'fileName'), value, async (name, v) => {
        const accepts = (make: () => unknown): boolean => acceptsConfig(make, new RegExp(`(^|\\.)${name}$`));
        let exporter: PerflogFileLogRecordExporter | undefined;
        const byExporter = accepts(() => { exporter = new PerflogFileLogRecordExporter({ logDir: dir, [name]: v }); });
        await exporter?.shutdown();
        expect(byExporter, `${name}: ${String(v)}`).to.equal(accepts(() => resolveOptions({ options: { file: { [name]: v } } })));
      }), { numRuns: 100 });
    });
  });

  describe('under a BatchLogRecordProcessor', () => {
    it('writes every record of a 20,000-record run once, in order, by forceFlush()', async () => {
      const exporter = new PerflogFileLogRecordExporter({ logDir: dir, fileName: 'app_metrics.log' });
      const provider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter, maxQueueSize: 20_000, maxExportBatchSize: 512 })] });
      const logger = provider.getLogger('app');
      for (let seq = 0; seq < 20_000; seq++) logger.emit({ body: 'write', attributes: { pid: 1, thread: 0, seq } });
      await provider.forceFlush();
      const { records } = readRecords(dir, 'app');
      expect(seqsInOrder(records).get('1/0')).to.equal(20_000);
      expect(exporter.stats()).to.include({ recordsWritten: 20_000, writeErrors: 0 });
      await provider.shutdown();
    });
  });

  describe('through a LoggerProvider with a SimpleLogRecordProcessor, in child processes', () => {
    it('keeps every line of 4 processes x 2,000 records whole and once across many rotations', async () => {
      const results = await Promise.all([0, 1, 2, 3].map(() => runOtelWriter({ logDir: dir, count: 2000, exit: 'natural', maxSizeMb: 0.05 })));
      for (const result of results) expect(result.code, result.stderr).to.equal(0);
      const { files, records } = readRecords(dir, 'app');
      expect(files.length).to.be.greaterThan(4);
      expect([...seqsInOrder(records).values()]).to.deep.equal([2000, 2000, 2000, 2000]);
    });

    for (const exit of ['natural', 'exit', 'uncaught'] satisfies OtelExitMode[]) {
      it(`keeps every exported record when the process ends by ${exit}`, async () => {
        const result = await runOtelWriter({ logDir: dir, count: 3000, exit });
        expect(result.code, result.stderr).to.equal(exit === 'uncaught' ? 1 : 0);
        expect([...seqsInOrder(readRecords(dir, 'app').records).values()]).to.deep.equal([3000]);
      });
    }

    it('leaves no torn line, and every record exported before the kill, after SIGKILL mid-stream', async () => {
      const result = await runOtelWriter({ logDir: dir, count: 0, exit: 'stream' }, (child) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('ready')) child.kill('SIGKILL');
        });
      });
      expect(result.signal).to.equal('SIGKILL');
      const files = readdirSync(dir);
      const text = readFileSync(join(dir, 'app_metrics.log'), 'utf8');
      expect(files).to.deep.equal(['app_metrics.log']);
      expect(text.endsWith('\n'), 'each export is one whole write').to.equal(true);
      const counted = seqsInOrder(readRecords(dir, 'app').records);
      expect([...counted.values()][0]).to.be.at.least(1000);
    });
  });
});
