import { setTimeout as sleep } from 'node:timers/promises';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import { expect } from 'chai';
import fc from 'fast-check';
import type { Attributes } from '../src/index.js';
import { PerflogRecordError, PerformanceMonitorFactory } from '../src/index.js';
import { fixture, runNode } from './helpers/files.js';
import { logFiles, makeTempDir, rawLines, records, removeDir, testFactory, useTempFactory } from './helpers.js';

const silentDiag: DiagLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} };

describe('ModuleMetricWriter', () => {
  const test = useTempFactory();

  describe('logTimer()', () => {
    it('writes one timer line with the SPEC key order, success lifted from the attributes', async () => {
      const writer = test.factory.getWriter('custom');
      writer.logTimer('custom.embed', 0.25, { batch: 8, success: false, error: 'Timeout', user: 'u1' });
      await test.factory.flush();
      const [line] = await rawLines(test.baseDir, 'custom');
      const record = JSON.parse(line!) as Record<string, unknown>;
      expect(Object.keys(record)).to.deep.equal(['timestamp', 'metric_type', 'operation', 'duration', 'success', 'module', 'batch', 'user', 'error']);
      expect(record).to.include({ metric_type: 'timer', operation: 'custom.embed', duration: 0.25, success: false, module: 'custom', error: 'Timeout' });
      expect(record['timestamp']).to.be.closeTo(Date.now() / 1000, 60);
    });

    it('drops a negative, NaN or non-number duration, counts it and reports it through onError', async () => {
      const writer = test.factory.getWriter('custom');
      writer.logTimer('a', -1);
      writer.logTimer('b', Number.NaN);
      writer.logTimer('c', '1' as unknown as number);
      writer.logTimer('d', Infinity);
      await test.factory.flush();
      expect(await rawLines(test.baseDir, 'custom')).to.deep.equal([]);
      expect(test.factory.stats()).to.include({ recordsDropped: 4, recordsWritten: 0 });
      expect(test.errors).to.have.length(4);
      expect(test.errors[0]).to.be.instanceOf(PerflogRecordError).and.include({ reason: 'out_of_range', field: 'seconds', operation: 'a' });
      expect(test.errors[2]).to.include({ reason: 'invalid_type' });
    });
  });

  describe('logCounter() and logGauge()', () => {
    it('write value records without success; a counter defaults to 1', async () => {
      const writer = test.factory.getWriter('queue');
      writer.logCounter('jobs_enqueued');
      writer.logGauge('depth', 17, { queue: 'ingest' });
      await test.factory.flush();
      const [counter, gauge] = await records(test.baseDir, 'queue');
      expect(Object.keys(counter!)).to.deep.equal(['timestamp', 'metric_type', 'operation', 'value', 'module']);
      expect(counter).to.include({ metric_type: 'counter', value: 1 });
      expect(gauge).to.include({ metric_type: 'gauge', value: 17, queue: 'ingest' });
    });

    it('write every number exactly as String() prints it, whole nanoseconds and repeated values included', async () => {
      const values = fc.sample(fc.oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }),
        fc.integer({ min: 0, max: 10 ** 15 }).map((nanos) => nanos / 1e9),
      ), 400);
      const writer = test.factory.getWriter('numbers');
      for (const value of values) {
        writer.logGauge('g', value);
        if (value >= 0) writer.logTimer('t', value);
        writer.logGauge('g', value); // the same value again: the writer's last-text cache
      }
      await test.factory.flush();
      const expected = values.flatMap((value) => (value >= 0 ? [value, value, value] : [value, value]).map((x) => String(x)));
      const written = (await rawLines(test.baseDir, 'numbers')).map((line) => /"(?:value|duration)":([^,}]+)/.exec(line)![1]);
      expect(written).to.deep.equal(expected);
    });
  });

  describe('attributes', () => {
    it('drops a record whose attribute would overwrite a record field', async () => {
      test.factory.getWriter('custom').logGauge('g', 1, { module: 'forged' });
      test.factory.getWriter('custom').logGauge('g', 1, { timestamp: 0 });
      await test.factory.flush();
      expect(await rawLines(test.baseDir, 'custom')).to.deep.equal([]);
      expect(test.errors.map((e) => (e as PerflogRecordError).reason)).to.deep.equal(['reserved_attribute', 'reserved_attribute']);
    });

    it('keeps each record whole when an attribute getter records another metric mid-record (re-entrant)', async () => {
      const writer = test.factory.getWriter('custom');
      const attributes = {
        success: false, error: 'OuterError',
        get inner(): string {
          writer.logTimer('inner', 1, { success: true, error: 'InnerNote', bad: Number.NaN });
          writer.logTimer('inner', 1, { success: true, error: 'InnerNote' });
          return 'v';
        },
      };
      writer.logTimer('outer', 2, attributes);
      await test.factory.flush();
      const [inner, outer] = await records(test.baseDir, 'custom');
      expect(inner).to.include({ operation: 'inner', success: true, error: 'InnerNote' });
      expect(outer).to.include({ operation: 'outer', success: false, error: 'OuterError', inner: 'v' });
      expect(test.errors.map((e) => (e as PerflogRecordError).field)).to.deep.equal(['attributes.bad']);
    });

    it('cannot forge or split a line whatever the strings hold', async () => {
      const evil = '"}\n{"metric_type":"counter","operation":"forged"}\u2028\u2029\ud800\u0000';
      test.factory.getWriter('custom').logTimer(evil, 1, { [evil]: evil, note: evil });
      await test.factory.flush();
      const lines = await rawLines(test.baseDir, 'custom');
      expect(lines).to.have.length(1);
      expect(JSON.parse(lines[0]!)).to.include({ operation: evil, [evil]: evil, note: evil, module: 'custom' });
    });

    it('keeps a module whose name holds path characters inside the log directory', async () => {
      test.factory.getWriter('../../escape\u0000').logCounter('c');
      test.factory.getWriter('.hidden').logCounter('c');
      await test.factory.flush();
      expect(await logFiles(test.baseDir)).to.deep.equal(['_.._.._escape__metrics.log', '_.hidden_metrics.log']);
      expect((await records(test.baseDir, '_.._.._escape_'))[0]).to.include({ module: '../../escape\u0000' });
    });
  });

  describe('property: any input', () => {
    const attributeValue = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 20 }), fc.double(), fc.integer(), fc.boolean(), fc.constant(undefined), fc.constant(null),
      fc.constant({}), fc.bigInt(), fc.constant([1]),
    );
    const call = fc.record({
      kind: fc.constantFrom('timer', 'counter', 'gauge'),
      operation: fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.constant(42 as unknown as string)),
      value: fc.oneof(fc.double(), fc.integer({ min: 0 }), fc.constant('x' as unknown as number)),
      attributes: fc.option(fc.dictionary(fc.string({ unit: 'binary', maxLength: 12 }), attributeValue, { maxKeys: 6 }), { nil: undefined }),
    });

    it('writes one parseable line per accepted call, and written + dropped == calls', async () => {
      await fc.assert(fc.asyncProperty(fc.array(call, { maxLength: 40 }), async (calls) => {
        const dir = await makeTempDir();
        const { factory: local } = testFactory(dir);
        try {
          const writer = local.getWriter('prop');
          for (const { kind, operation, value, attributes: anyAttributes } of calls) {
            const attributes = anyAttributes as Attributes | undefined; // deliberately any value: bad ones must be dropped
            if (kind === 'timer') writer.logTimer(operation, value, attributes);
            else if (kind === 'counter') writer.logCounter(operation, value, attributes);
            else writer.logGauge(operation, value, attributes);
          }
          await local.flush();
          const stats = local.stats();
          expect(stats.recordsWritten + stats.recordsDropped).to.equal(calls.length);
          const lines = await rawLines(dir, 'prop');
          expect(lines).to.have.length(stats.recordsWritten);
          for (const line of lines) {
            const record = JSON.parse(line) as Record<string, unknown>;
            expect(record['module']).to.equal('prop');
            expect(record['metric_type']).to.be.oneOf(['timer', 'counter', 'gauge']);
          }
        } finally {
          await local.shutdown();
          await removeDir(dir);
        }
      }), { numRuns: 150 });
    });
  });

  describe('trace ids', () => {
    it('gives a record the active span\'s ids once the app registers a context manager, whenever it does (a child process)', async () => {
      const child = await runNode(fixture('otel-global-later.ts'), [JSON.stringify({ baseDir: test.baseDir })]);
      expect(child.code, child.stderr).to.equal(0);
      const written = await records(test.baseDir, 'tool');
      expect(written.map((record) => [record['tool'], record['span_id']])).to.deep.equal([
        ['before', undefined], ['registered', 'b7ad6b7169203331'], ['disabled', undefined], ['registered-again', 'b7ad6b7169203331'],
      ]);
    });
  });

  describe('strict mode', () => {
    it('throws a RangeError for a value out of range and a TypeError for a wrong type, naming the field', async () => {
      const { factory: strict } = testFactory(test.baseDir, { strict: true });
      const writer = strict.getWriter('custom');
      expect(() => writer.logTimer('op', -2)).to.throw(RangeError, /seconds/);
      expect(() => writer.logGauge('op', 1, { bad: {} as never })).to.throw(TypeError, /attributes\.bad/);
      expect(strict.stats().recordsDropped).to.equal(0);
      await strict.shutdown();
    });
  });

  describe('onError', () => {
    it('without onError, a flood of bad records is counted and warned once per interval, the rest summed in the next warning', async () => {
      const warnings: string[] = [];
      diag.setLogger({ ...silentDiag, warn: (message: string) => warnings.push(message) }, DiagLogLevel.WARN);
      try {
        const local = new PerformanceMonitorFactory({ baseDir: test.baseDir, cleanup: { enabled: false } });
        const writer = local.getWriter('custom');
        for (let i = 0; i < 1000; i++) writer.logTimer('flood', -1);
        expect(local.stats().recordsDropped).to.equal(1000);
        const first = warnings.filter((w) => w.includes('flood')).length;
        expect(first).to.be.within(1, 2); // one per second: the loop takes milliseconds
        await sleep(1100);
        writer.logTimer('flood', -1);
        expect(local.stats().recordsDropped).to.equal(1001);
        const last = warnings.at(-1) ?? '';
        expect(last).to.match(/seconds must be a finite number of seconds >= 0 \(got -1\).*\(and \d+ more since the last warning\)/);
        expect(Number(/and (\d+) more/.exec(last)?.[1])).to.equal(1000 - first); // the flood's held-back warnings
        await local.shutdown();
      } finally {
        diag.disable();
      }
    });

    it('never lets a throwing handler reach the caller', async () => {
      const { factory: local } = testFactory(test.baseDir, { onError: () => { throw new Error('handler bug'); } });
      expect(() => local.getWriter('custom').logTimer('op', -1)).not.to.throw();
      expect(local.stats().recordsDropped).to.equal(1);
      await local.shutdown();
    });
  });
});
