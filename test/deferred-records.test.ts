import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, trace } from '@opentelemetry/api';
import { expect } from 'chai';
import OpenAI from 'openai';
import { monotonicMs } from '../src/clock.js';
import { DeferredRecords, MAX_DEFERRED_RECORDS } from '../src/deferred-records.js';
import { OpenFiles } from '../src/exporters/open-files.js';
import { LlmPerformanceMonitor } from '../src/index.js';
import type { LlmCallRecord } from '../src/index.js';
import { instrumentOpenAI } from '../src/openai/index.js';
import { TestContextManager } from './helpers/context-manager.js';
import { fixture, runNode } from './helpers/files.js';
import { useFakeLlm } from './helpers/llm.js';
import { makeTempDir, rawLines, records, removeDir, testFactory } from './helpers.js';
import { waitFor } from './helpers/wait.js';

const SPAN = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
const messages = [{ role: 'user' as const, content: 'hi' }];

describe('deferred records (adapters\' calls)', () => {
  const test = useFakeLlm();
  const client = (): OpenAI => instrumentOpenAI(new OpenAI({ apiKey: 'test', baseURL: test.server.openaiBaseURL, maxRetries: 0 }), { factory: test.factory });

  it('writes a call\'s record with the file buffer\'s timer, without flush()', async () => {
    await client().chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(await records(test.baseDir, 'llm')).to.have.length(0); // waiting in the batch: nothing written yet
    await waitFor(async () => (await records(test.baseDir, 'llm')).length > 0); // the 100 ms flush timer
    expect(await records(test.baseDir, 'llm')).to.have.length(1);
  });

  it('keeps the time and the span ids of the call\'s end, not those of the write', async () => {
    expect(context.setGlobalContextManager(new TestContextManager())).to.equal(true);
    try {
      const span = trace.setSpan(context.active(), trace.wrapSpanContext(SPAN));
      await context.with(span, async () => {
        await client().chat.completions.create({ model: 'gpt-4o-mini', messages });
      });
      const endedBy = Date.now();
      await client().chat.completions.create({ model: 'gpt-4o-mini', messages }); // outside the span
      await sleep(30);
      await context.with(span, () => test.factory.flush()); // written inside the span: changes nothing
      const [inside, outside] = await records(test.baseDir, 'llm');
      expect(inside).to.include({ trace_id: SPAN.traceId, span_id: SPAN.spanId });
      expect(inside!['timestamp'] as number * 1000).to.be.within(endedBy - 1000, endedBy + 1); // the wall clock's ms, rounded
      expect(outside).to.not.have.property('trace_id');
    } finally {
      context.disable();
    }
  });

  it('writes waiting records before a record written directly, so the file keeps the order things ended', async () => {
    await client().chat.completions.create({ model: 'first', messages });
    test.factory.createMonitor('llm').recordLlmCall({ model: 'second', provider: 'manual', responseTime: 0.1 });
    await client().chat.completions.create({ model: 'third', messages });
    const written = await test.written();
    expect(written.map((record) => record['provider'])).to.deep.equal(['openai', 'manual', 'openai']);
    expect(test.factory.stats()).to.include({ recordsWritten: 3 });
  });

  it('counts waiting records in stats() and writes them at once with sync files', async () => {
    await client().chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(test.factory.stats().recordsWritten).to.equal(1);
    const dir = await makeTempDir();
    const { factory } = testFactory(dir, { file: { sync: true } });
    try {
      await instrumentOpenAI(new OpenAI({ apiKey: 'test', baseURL: test.server.openaiBaseURL, maxRetries: 0 }), { factory })
        .chat.completions.create({ model: 'gpt-4o-mini', messages });
      expect(await records(dir, 'llm')).to.have.length(1);
    } finally {
      await factory.shutdown();
      await removeDir(dir);
    }
  });

  it('writes a batch that overfills the 64 KiB buffer with the flush that follows, not in a write of its own', async () => {
    const path = join(test.baseDir, 'logs', 'llm_metrics.log');
    const sizes: number[] = [];
    // a monitor registered in place of the built-in one: it looks at the file while the batch is written
    test.factory.registerMonitorType('llm', (writer) => new (class extends LlmPerformanceMonitor {
      override recordLlmCall(record: LlmCallRecord): void {
        super.recordLlmCall(record);
        sizes.push(statSync(path, { throwIfNoEntry: false })?.size ?? 0);
      }
    })(writer));
    const llm = test.factory.createMonitor('llm');
    const values = [0, 0.25, Number.NaN, 10, 20, 30, Number.NaN, Number.NaN, 0];
    const model = 'm'.repeat(200); // 400 lines of about 400 characters: 2.4 buffers
    for (let i = 0; i < 400; i++) {
      values[0] = monotonicMs();
      test.factory.deferLlmCall(llm, model, 'p', undefined, values);
    }
    await test.factory.flush();
    expect(sizes).to.have.length(400);
    expect(new Set(sizes)).to.deep.equal(new Set([0])); // nothing written while the batch was
    const lines = await rawLines(test.baseDir, 'llm');
    expect(lines).to.have.length(400);
    expect(lines.join('\n').length).to.be.above(2 * 65_536);
  });

  it('keeps a call that ends while the batch is written for the next batch, once', async () => {
    const values = [0, 0.25, Number.NaN, 1, 2, 3, Number.NaN, Number.NaN, 0];
    // a monitor registered in place of the built-in one, whose record ends another call (as a sink that records would)
    test.factory.registerMonitorType('llm', (writer) => new (class extends LlmPerformanceMonitor {
      override recordLlmCall(record: LlmCallRecord): void {
        super.recordLlmCall(record);
        if (record.model === 'first') {
          values[0] = monotonicMs();
          test.factory.deferLlmCall(this, 'during', 'p', undefined, values);
        }
      }
    })(writer));
    const llm = test.factory.createMonitor('llm');
    for (const model of ['first', 'second']) {
      values[0] = monotonicMs();
      test.factory.deferLlmCall(llm, model, 'p', undefined, values);
    }
    await test.factory.flush();
    expect((await records(test.baseDir, 'llm')).map((record) => record['model'])).to.deep.equal(['first', 'second']);
    await test.factory.flush();
    expect((await records(test.baseDir, 'llm')).map((record) => record['model'])).to.deep.equal(['first', 'second', 'during']);
    expect(test.factory.stats()).to.include({ recordsWritten: 3, recordsDropped: 0 });
  });

  it(`writes the batch at once when ${MAX_DEFERRED_RECORDS} records wait, and one that throws is reported and stops no other`, () => {
    const written: string[] = [];
    const failures: unknown[] = [];
    const queue = new DeferredRecords(new OpenFiles(), (error) => failures.push(error));
    // a monitor registered in place of the built-in llm one: it gets each call as a recordLlmCall
    const llm = {
      recordLlmCall(record: LlmCallRecord): void {
        written.push(record.model);
        if (record.model === '7') throw new Error('a record that fails');
      },
    };
    const values = [0, 0.5, Number.NaN, 1, 2, 3, Number.NaN, Number.NaN, 0];
    for (let i = 0; i < MAX_DEFERRED_RECORDS; i++) {
      values[0] = monotonicMs();
      queue.add(llm, String(i), 'p', undefined, values, false);
      expect(written).to.have.length(i === MAX_DEFERRED_RECORDS - 1 ? MAX_DEFERRED_RECORDS : 0); // synchronous: no timer ran
    }
    expect(written).to.deep.equal(Array.from({ length: MAX_DEFERRED_RECORDS }, (_, i) => String(i)));
    expect(failures).to.have.length(1);
  });

  for (const exit of ['exit', 'uncaught', 'natural'] as const) {
    it(`loses no record of a child process that ends right after its calls (${exit})`, async () => {
      const dir = await makeTempDir();
      try {
        const child = await runNode(fixture('llm-call-exit.ts'), [JSON.stringify({ baseDir: dir, baseURL: test.server.openaiBaseURL, calls: 20, exit })]);
        expect(child.code, child.stderr).to.equal(exit === 'uncaught' ? 1 : 0);
        expect(await records(dir, 'llm')).to.have.length(20);
      } finally {
        await removeDir(dir);
      }
    });
  }
});
