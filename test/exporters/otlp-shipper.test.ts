import { appendFile, mkdir, mkdtemp, readFile, rename, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { expect } from 'chai';
import { PerformanceMonitorFactory } from '../../src/index.js';
import type { PerflogOptions } from '../../src/index.js';
import { OtlpSender } from '../../src/exporters/otlp-sender.js';
import { startReceiver } from '../helpers/otlp-receiver.js';
import { sleep, waitFor } from '../helpers/wait.js';
import type { Receiver } from '../helpers/otlp-receiver.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap plus off-heap buffers, after a full GC. */
function memoryAfterGc(): number {
  gc();
  gc();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

async function lines(path: string): Promise<Record<string, unknown>[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('OTLP export (otlp.enabled)', function () {
  this.timeout(60_000);
  let baseDir: string;
  let receiver: Receiver;
  const factories: PerformanceMonitorFactory[] = [];

  const make = (options: PerflogOptions = {}): PerformanceMonitorFactory => {
    const factory = new PerformanceMonitorFactory({
      baseDir, cleanup: { enabled: false }, ...options,
      // timeouts long enough for a loaded machine: a request that times out after the receiver took it is sent again
      otlp: { enabled: true, endpoint: receiver.url, timeoutMillis: 3000, ...options.otlp },
    });
    factories.push(factory);
    return factory;
  };
  const seqs = (): number[] => receiver.records.map((r) => r.attributes['seq'] as number);

  beforeEach(async () => {
    baseDir = await mkdtemp(join(tmpdir(), 'perflog-otlp-'));
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await Promise.all(factories.splice(0).map((f) => f.shutdown()));
    await receiver.stop().catch(() => undefined);
    await rm(baseDir, { recursive: true, force: true });
  });

  it('ships 1,000 records with the SPEC attributes unchanged, body, severity, time and resource', async () => {
    const resource = resourceFromAttributes({ 'service.name': 'checkout', 'deployment.environment.name': 'test' });
    const factory = make({ resource });
    const llm = factory.createMonitor('llm');
    const tool = factory.createMonitor('tool');
    for (let i = 0; i < 500; i++) {
      llm.recordLlmCall({ model: 'gpt-4', provider: 'openai', responseTime: 2.1, promptTokens: 100, completionTokens: i, attributes: { seq: i } });
      tool.recordToolCall({ tool: 'search', duration: i / 1000, success: i % 7 !== 0, error: i % 7 === 0 ? 'Timeout' : undefined, attributes: { seq: 500 + i } });
    }
    await factory.flush();
    expect(receiver.records).to.have.length(1000);
    expect(receiver.requests.contentTypes.every((type) => type === 'application/json')).to.equal(true);
    const written = [...await lines(join(baseDir, 'logs/llm_metrics.log')), ...await lines(join(baseDir, 'logs/tool_metrics.log'))];
    const bySeq = new Map(written.map((line) => [line['seq'], line]));
    for (const record of receiver.records) {
      const line = bySeq.get(record.attributes['seq'])!;
      expect(Object.keys(record.attributes)).to.deep.equal(Object.keys(line));
      expect(record.attributes).to.deep.equal(line);
      expect(record.body).to.equal(line['operation']);
      expect(record.severityNumber).to.equal(9);
      expect(record.severityText).to.equal('INFO');
      expect(record.timeUnixNano).to.equal(BigInt(Math.round((line['timestamp'] as number) * 1000)) * 1_000_000n);
      expect(record.scope).to.equal('perflog');
      expect(record.resource).to.include({ 'service.name': 'checkout', 'deployment.environment.name': 'test', 'telemetry.sdk.language': 'nodejs' });
    }
    expect(factory.stats()).to.include({ recordsExported: 1000, exportErrors: 0 });
  });

  it('the receiver decodes OTLP protobuf and JSON alike (both content types)', async () => {
    const sender = new OtlpSender({ enabled: true, endpoint: receiver.url, headers: {}, timeoutMillis: 1000, genAiSemconv: false }, undefined);
    const line = '{"timestamp":1704110400.5,"metric_type":"timer","operation":"tool_call","duration":0.25,"success":true,"module":"tool","tool":"grep","n":3,"trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"b7ad6b7169203331"}';
    const { records } = sender.toRecords([line]);
    for (const [type, serializer] of [['application/x-protobuf', ProtobufLogsSerializer], ['application/json', JsonLogsSerializer]] as const) {
      const response = await fetch(receiver.url, { method: 'POST', headers: { 'content-type': type }, body: serializer.serializeRequest(records)! });
      expect(response.status).to.equal(200);
    }
    sender.shutdown();
    const [protobuf, json] = receiver.records;
    expect(receiver.requests.contentTypes).to.deep.equal(['application/x-protobuf', 'application/json']);
    expect(protobuf).to.deep.equal(json);
    expect(protobuf!.attributes).to.deep.equal(JSON.parse(line));
    expect(protobuf!.traceId).to.equal('0af7651916cd43dd8448eb211c80319c');
    expect(protobuf!.spanId).to.equal('b7ad6b7169203331');
    expect(protobuf!.timeUnixNano).to.equal(1704110400500000000n);
  });

  it('skips lines that are not records, and recovers the record written after a torn line', () => {
    const sender = new OtlpSender({ enabled: true, endpoint: receiver.url, headers: {}, timeoutMillis: 1000, genAiSemconv: false }, undefined);
    const whole = '{"timestamp":1704110400.25,"metric_type":"counter","operation":"tick","value":1,"module":"app"}';
    const { records, skipped } = sender.toRecords(['{"timestamp":1704110399,"metric_ty' + whole, 'not json', '[1]', whole]);
    sender.shutdown();
    expect(skipped).to.equal(3);
    expect(records.map((r) => r.attributes)).to.deep.equal([JSON.parse(whole), JSON.parse(whole)]);
  });

  it('continues from the saved offsets after a restart: what was delivered is not sent again, the rest is', async () => {
    const first = make({ otlp: { timeoutMillis: 500 } });
    const tool = first.createMonitor('tool');
    for (let i = 0; i < 100; i++) tool.recordToolCall({ tool: 't', duration: 0, attributes: { seq: i } });
    await first.flush();
    expect(receiver.records).to.have.length(100);
    await receiver.stop();
    for (let i = 100; i < 150; i++) tool.recordToolCall({ tool: 't', duration: 0, attributes: { seq: i } });
    await first.shutdown(); // the collector is down: the 50 stay in the file
    await receiver.restart();
    const second = make();
    await second.flush();
    expect(seqs()).to.deep.equal([...Array(150).keys()]);
  });

  it('adds the GenAI attributes to exported llm_call records with genAiSemconv, leaving the file line as it is', async () => {
    const factory = make({ otlp: { genAiSemconv: true } });
    factory.createMonitor('llm').recordLlmCall({ model: 'gpt-4o', provider: 'openai', responseTime: 1, promptTokens: 10, completionTokens: 20 });
    factory.createMonitor('tool').recordToolCall({ tool: 'search', duration: 0.1 });
    await factory.flush();
    const llm = receiver.records.find((r) => r.attributes['module'] === 'llm')!;
    expect(Object.keys(llm.attributes).slice(-5)).to.deep.equal([
      'gen_ai.provider.name', 'gen_ai.request.model', 'gen_ai.operation.name', 'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens',
    ]);
    expect(llm.attributes).to.include({
      model: 'gpt-4o', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 20,
    });
    const tool = receiver.records.find((r) => r.attributes['module'] === 'tool')!;
    expect(Object.keys(tool.attributes).some((key) => key.startsWith('gen_ai.'))).to.equal(false);
    const [line] = await lines(join(baseDir, 'logs/llm_metrics.log'));
    expect(Object.keys(line!).some((key) => key.startsWith('gen_ai.'))).to.equal(false);
  });

  it('delivers every record exactly once when the collector is down for the first half of a 20,000-record run', async () => {
    await receiver.stop();
    const factory = make();
    const tool = factory.createMonitor('tool');
    for (let i = 0; i < 10_000; i++) tool.recordToolCall({ tool: 'search', duration: 0.001, attributes: { seq: i } });
    await waitFor(() => factory.stats().exportErrors > 0);
    await receiver.restart();
    for (let i = 10_000; i < 20_000; i++) tool.recordToolCall({ tool: 'search', duration: 0.001, attributes: { seq: i } });
    await waitFor(() => receiver.records.length >= 20_000, 30_000);
    await factory.flush();
    await sleep(600); // one more poll: nothing may come twice
    expect(receiver.records).to.have.length(20_000);
    expect(new Set(seqs()).size).to.equal(20_000);
    expect(factory.stats().recordsExported).to.equal(20_000);
  });

  it('retries a 503 and a 500 until the collector answers 200, counting the failures', async () => {
    receiver.behaviour = (n) => (n === 1 ? 503 : n === 2 ? 500 : 200);
    const factory = make();
    const tool = factory.createMonitor('tool');
    for (let i = 0; i < 100; i++) tool.recordToolCall({ tool: 'search', duration: 0.001, attributes: { seq: i } });
    await waitFor(() => receiver.records.length >= 100);
    await factory.flush();
    expect(receiver.requests.statuses.slice(0, 3)).to.deep.equal([503, 500, 200]);
    expect(seqs()).to.deep.equal([...Array(100).keys()]);
    expect(factory.stats().exportErrors).to.be.at.least(1);
  });

  it('retries after timeouts when the collector never answers', async () => {
    receiver.behaviour = (n) => (n <= 2 ? 'hang' : 200);
    const factory = make({ otlp: { timeoutMillis: 1000 } });
    const tool = factory.createMonitor('tool');
    for (let i = 0; i < 100; i++) tool.recordToolCall({ tool: 'search', duration: 0.001, attributes: { seq: i } });
    await waitFor(() => receiver.records.length >= 100);
    expect(receiver.requests.count).to.be.at.least(3);
    expect(seqs()).to.deep.equal([...Array(100).keys()]);
    expect(factory.stats().exportErrors).to.be.at.least(1);
  });

  it('does not retry a batch refused with 400: counts it and moves on', async () => {
    receiver.behaviour = () => 400;
    const factory = make();
    const tool = factory.createMonitor('tool');
    for (let i = 0; i < 100; i++) tool.recordToolCall({ tool: 'search', duration: 0.001, attributes: { seq: i } });
    await factory.flush();
    expect(factory.stats()).to.include({ exportErrors: 1, recordsExported: 0 });
    // no sleep: had the refused batch stayed pending, the next flush (the collector now answering 200) would ship it
    receiver.behaviour = () => 200;
    for (let i = 100; i < 105; i++) tool.recordToolCall({ tool: 'search', duration: 0.001, attributes: { seq: i } });
    await factory.flush();
    expect(seqs()).to.deep.equal([100, 101, 102, 103, 104]);
    expect(receiver.requests.statuses).to.deep.equal([400, 200]);
  });

  it('continues through rotated files (by inode) and ships each line once, in order', async () => {
    await receiver.stop();
    const logDir = join(baseDir, 'logs');
    await mkdir(logDir, { recursive: true });
    const active = join(logDir, 'app_metrics.log');
    const write = (from: number, to: number): Promise<void> => appendFile(active, Array.from({ length: to - from },
      (_, k) => `{"timestamp":1704110400,"metric_type":"counter","operation":"tick","value":1,"module":"app","seq":${from + k}}\n`).join(''));
    await write(0, 10); // before the shipper starts: history, not shipped
    const factory = make();
    await write(10, 100);
    await sleep(700); // the shipper is running, its position saved on the first file (by inode)
    await rename(active, `${active}.2026-01-01`);
    await write(100, 200);
    await rename(active, `${active}.2026-01-01.2`);
    await write(200, 300);
    await rename(active, `${active}.2026-01-01.10`); // numeric order: .2 before .10
    await write(300, 400);
    const old = new Date(Date.now() - 60_000);
    for (const suffix of ['2026-01-01', '2026-01-01.2', '2026-01-01.10']) await utimes(`${active}.${suffix}`, old, old);
    await receiver.restart();
    await waitFor(() => receiver.records.length >= 390);
    await factory.flush();
    await sleep(600);
    expect(seqs()).to.deep.equal(Array.from({ length: 390 }, (_, k) => k + 10));
  });

  it('ships the files once when several factories (processes) write them: one holds the shipping lock', async () => {
    const first = make();
    const second = make();
    for (let i = 0; i < 300; i++) {
      (i % 2 === 0 ? first : second).createMonitor('tool').recordToolCall({ tool: 't', duration: 0, attributes: { seq: i } });
    }
    await first.flush();
    await second.flush();
    await waitFor(() => receiver.records.length >= 300);
    await sleep(600);
    expect(new Set(seqs()).size).to.equal(300);
    expect(receiver.records).to.have.length(300);
  });

  it('keeps the heap bounded through a long outage (200,000 records) and then delivers them all', async () => {
    await receiver.stop();
    const factory = make({ otlp: { timeoutMillis: 10_000 } }); // 512 KiB requests to an in-process receiver
    const tool = factory.createMonitor('tool');
    const before = memoryAfterGc();
    for (let i = 0; i < 200_000; i++) {
      tool.recordToolCall({ tool: 'search', duration: 0.001, attributes: { seq: i } });
      if (i % 20_000 === 0) await sleep(50); // let the shipper fail meanwhile
    }
    await factory.flush();
    const growth = memoryAfterGc() - before;
    expect(growth).to.be.below(16 * 1024 * 1024);
    expect(factory.stats().exportErrors).to.be.at.least(1);
    const errorsBeforeRestart = factory.stats().exportErrors;
    await receiver.restart();
    await waitFor(() => receiver.records.length >= 200_000, 40_000);
    await factory.flush();
    expect(new Set(seqs()).size).to.equal(200_000); // nothing lost
    // delivery is at least once at the edges: only a request that timed out after the receiver took it comes twice
    if (receiver.records.length > 200_000) expect(factory.stats().exportErrors).to.be.above(errorsBeforeRestart);
  });

  it('without files, queues in memory up to a byte bound, then drops and counts', async () => {
    await receiver.stop();
    const factory = make({ file: { enabled: false } });
    const tool = factory.createMonitor('tool');
    const before = memoryAfterGc();
    for (let i = 0; i < 200_000; i++) tool.recordToolCall({ tool: 'search', duration: 0.001, attributes: { seq: i } });
    const growth = memoryAfterGc() - before;
    const { recordsDropped, recordsWritten } = factory.stats();
    expect(recordsDropped).to.be.above(0);
    expect(growth).to.be.below(32 * 1024 * 1024); // the queue's bound is 16 MiB
    await receiver.restart();
    await waitFor(() => receiver.records.length >= recordsWritten - recordsDropped, 30_000);
    await factory.flush();
    expect(receiver.records).to.have.length(recordsWritten - recordsDropped);
    expect(seqs()).to.deep.equal([...Array(recordsWritten - recordsDropped).keys()]);
  });

  it('shutdown() resolves when the collector never answers (bounded by timeoutMillis), and is idempotent', async () => {
    receiver.behaviour = () => 'hang';
    const factory = make({ otlp: { timeoutMillis: 1000 } });
    for (let i = 0; i < 100; i++) factory.createMonitor('tool').recordToolCall({ tool: 't', duration: 0 });
    await waitFor(() => receiver.requests.count > 0);
    const first = factory.shutdown();
    expect(factory.shutdown()).to.equal(first);
    await first; // a hang here fails the test by mocha's timeout: the bound is the shipper's own timer
    expect(factory.stats().recordsExported).to.equal(0);
    factory.createMonitor('tool').recordToolCall({ tool: 't', duration: 0 });
    expect(factory.stats().recordsDropped).to.equal(1);
  });
});
