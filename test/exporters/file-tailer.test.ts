import { appendFile, mkdir, readdir, readFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { PerformanceMonitorFactory } from '../../src/index.js';
import type { PerflogError, PerflogOptions } from '../../src/index.js';
import { makeTempDir, removeDir } from '../helpers.js';
import { fixture, runNode } from '../helpers/files.js';
import { startReceiver } from '../helpers/otlp-receiver.js';
import { range, waitFor } from '../helpers/wait.js';
import type { Receiver } from '../helpers/otlp-receiver.js';

const counterLine = (seq: number): string => `{"timestamp":1704110400,"metric_type":"counter","operation":"tick","value":1,"module":"app","seq":${seq}}\n`;

describe('FileTailer (through the OTLP shipper): rotation, restarts, retention and many modules lose nothing', function () {
  this.timeout(60_000);
  let baseDir: string;
  let receiver: Receiver;
  const factories: PerformanceMonitorFactory[] = [];
  const make = (options: PerflogOptions = {}, dir = baseDir): PerformanceMonitorFactory => {
    const factory = new PerformanceMonitorFactory({
      baseDir: dir, cleanup: { enabled: false }, ...options,
      otlp: { enabled: true, endpoint: receiver.url, timeoutMillis: 3000, ...options.otlp },
    });
    factories.push(factory);
    return factory;
  };
  const seqs = (): number[] => receiver.records.map((r) => r.attributes['seq'] as number);
  const distinct = (): number[] => [...new Set(seqs().filter((seq) => seq !== undefined))].sort((a, b) => a - b);
  const rotatedFiles = async (): Promise<string[]> => (await readdir(join(baseDir, 'logs'))).filter((name) => name.startsWith('app_metrics.log.'));

  beforeEach(async () => {
    baseDir = await makeTempDir('perflog-shipper-');
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await Promise.all(factories.splice(0).map((f) => f.shutdown()));
    await receiver.stop().catch(() => undefined);
    await removeDir(baseDir);
  });

  it('ships the files rotated before its first pass (a burst at start-up with a small maxSizeMb)', async () => {
    const factory = make({ file: { maxSizeMb: 0.05, rotateInterval: 'none' } });
    const writer = factory.getWriter('app');
    for (let seq = 0; seq < 3000; seq++) writer.logCounter('tick', 1, { seq });
    expect((await rotatedFiles()).length).to.be.at.least(3);
    await waitFor(() => new Set(seqs()).size >= 3000);
    await factory.flush();
    expect(distinct()).to.deep.equal(range(0, 3000));
    expect(factory.stats().recordsExported).to.be.at.least(3000);
  });

  it('ships a file written just after its start that the file system stamped a few ms before it (a coarse file clock)', async () => {
    const before = Date.now();
    const factory = make({ file: { rotateInterval: 'none' } });
    const rotated = join(baseDir, 'logs', 'app_metrics.log.2026-11-30.001'); // another process's burst, rotated at once
    await mkdir(join(baseDir, 'logs'), { recursive: true });
    await appendFile(rotated, range(0, 10).map(counterLine).join(''));
    const stamped = new Date(before - 7); // Linux stamps files from a clock up to a scheduler tick behind Date.now()
    await utimes(rotated, stamped, stamped);
    const writer = factory.getWriter('app');
    for (let seq = 10; seq < 20; seq++) writer.logCounter('tick', 1, { seq });
    await waitFor(() => new Set(seqs()).size >= 20);
    expect(distinct()).to.deep.equal(range(0, 20));
  });

  it('ships what a process wrote while the collector was down, rotated files included, once the app restarts', async () => {
    await receiver.stop();
    const child = await runNode(fixture('otlp-writer.ts'), [baseDir, receiver.url, '0', '1500', '0.05', '500'], { cwd: baseDir });
    expect(child.code, child.stderr).to.equal(0);
    expect((await rotatedFiles()).length).to.be.at.least(2);
    await receiver.restart();
    const restarted = make({ file: { maxSizeMb: 0.05, rotateInterval: 'none' } });
    const writer = restarted.getWriter('app');
    for (let seq = 1500; seq < 2000; seq++) writer.logCounter('tick', 1, { seq });
    await waitFor(() => new Set(seqs()).size >= 2000);
    expect(distinct()).to.deep.equal(range(0, 2000));
  });

  it('follows write order across a rotateInterval change (hourly, then daily) while it is behind', async () => {
    await receiver.stop();
    const shipper = make({ file: { rotateInterval: 'none' } }); // ships the folder; its own writer writes nothing
    const logDir = join(baseDir, 'logs');
    const active = join(logDir, 'app_metrics.log');
    await mkdir(logDir, { recursive: true });
    await appendFile(active, range(0, 10).map(counterLine).join(''));
    await waitFor(() => shipper.stats().exportErrors > 0); // its position is now on that file, by inode
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const writeAs = async (rotateInterval: 'hourly' | 'daily', lastWrite: string, seq: number): Promise<void> => {
      await utimes(active, new Date(`${day}T${lastWrite}Z`), new Date(`${day}T${lastWrite}Z`));
      const writer = new PerformanceMonitorFactory({ baseDir, cleanup: { enabled: false }, file: { rotateInterval } });
      writer.getWriter('app').logCounter('tick', 1, { seq }); // rotates the file left from that hour/day first
      await writer.shutdown();
    };
    await writeAs('hourly', '02:30:00', 10); // -> app_metrics.log.<day>T02.001 holds 0-9
    await writeAs('daily', '05:00:00', 11); // -> app_metrics.log.<day>.002 holds 10, written after the hourly file
    expect((await rotatedFiles()).sort()).to.deep.equal([`app_metrics.log.${day}.002`, `app_metrics.log.${day}T02.001`]);
    await receiver.restart();
    await waitFor(() => seqs().includes(11));
    await shipper.flush();
    expect(seqs()).to.deep.equal(range(0, 12));
  });

  it('refuses a record over 512 KiB at record time, counted and reported; one just under is shipped', async () => {
    const errors: PerflogError[] = [];
    const factory = make({ onError: (error) => errors.push(error) });
    const writer = factory.getWriter('app');
    writer.logCounter('big', 1, { seq: 0, blob: 'x'.repeat(600 * 1024) });
    writer.logCounter('big', 1, { seq: 1, blob: 'é'.repeat(300 * 1024) }); // 300 K characters, 600 KiB
    writer.logCounter('big', 1, { seq: 2, blob: 'x'.repeat(500 * 1024) });
    writer.logCounter('small', 1, { seq: 3 });
    await factory.flush();
    expect(factory.stats()).to.include({ recordsDropped: 2, recordsWritten: 2, recordsExported: 2 });
    expect(errors.map((error) => (error as { reason?: string }).reason)).to.deep.equal(['record_too_large', 'record_too_large']);
    expect(seqs()).to.deep.equal([2, 3]);
  });

  it('keeps expired files the shipper has not sent (filesSkipped) until retentionDays + 7 days', async () => {
    await receiver.stop();
    const factory = make({ file: { maxSizeMb: 0.05, rotateInterval: 'none' }, cleanup: { enabled: false, retentionDays: 1 } });
    const writer = factory.getWriter('app');
    for (let seq = 0; seq < 1500; seq++) writer.logCounter('tick', 1, { seq });
    await factory.flush();
    await waitFor(() => factory.stats().exportErrors > 0);
    const rotated = await rotatedFiles();
    expect(rotated.length).to.be.at.least(2);
    const oldest = rotated.sort()[0]!;
    const lost = (await readFile(join(baseDir, 'logs', oldest), 'utf8')).split('\n').length - 1;
    for (const name of rotated) {
      const when = new Date(Date.now() - (name === oldest ? 9 : 2) * 86_400_000);
      await utimes(join(baseDir, 'logs', name), when, when);
    }
    const result = await factory.forceLogCleanup();
    expect(result).to.include({ filesDeleted: 1, filesSkipped: rotated.length - 1 });
    await receiver.restart();
    // everything kept arrives (what a request in flight had read before the delete may arrive too)
    await waitFor(() => {
      const delivered = new Set(seqs());
      return range(lost, 1500).every((seq) => delivered.has(seq));
    });
  });

  it('ships many modules in requests that follow the bytes, not the number of modules or files', async () => {
    const requestsFor = async (modules: number, perModule: number): Promise<number> => {
      const dir = await makeTempDir('perflog-shipper-linear-');
      try {
        const before = receiver.requests.count;
        const factory = make({}, dir);
        for (let m = 0; m < modules; m++) {
          const writer = factory.getWriter(`m${m}`);
          for (let k = 0; k < perModule; k++) writer.logCounter('tick', 1, { seq: k });
        }
        await factory.flush();
        await factory.shutdown();
        return receiver.requests.count - before;
      } finally {
        await removeDir(dir);
      }
    };
    const few = await requestsFor(20, 100); // 2,000 records in 20 files
    const many = await requestsFor(1000, 2); // 2,000 records in 1,000 files
    expect(receiver.records.length).to.be.at.least(4000); // every record (a request cut by a slow machine may come twice)
    expect(many).to.be.at.most(few + 2);
  });

});
