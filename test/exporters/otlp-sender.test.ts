import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { PerformanceMonitorFactory } from '../../src/index.js';
import type { PerflogOptions } from '../../src/index.js';
import { makeTempDir, removeDir } from '../helpers.js';
import { fixture, runNode } from '../helpers/files.js';
import { startReceiver } from '../helpers/otlp-receiver.js';
import { range, waitFor } from '../helpers/wait.js';
import type { Receiver } from '../helpers/otlp-receiver.js';


describe('OtlpSender (through a factory): slow collectors, the environment and configure()', function () {
  this.timeout(30_000);
  let baseDir: string;
  let receiver: Receiver;
  let other: Receiver;
  const factories: PerformanceMonitorFactory[] = [];
  const make = (options: PerflogOptions = {}): PerformanceMonitorFactory => {
    const factory = new PerformanceMonitorFactory({
      baseDir, cleanup: { enabled: false }, ...options, otlp: { enabled: true, endpoint: receiver.url, timeoutMillis: 3000, ...options.otlp },
    });
    factories.push(factory);
    return factory;
  };
  const seqs = (): number[] => receiver.records.map((r) => r.attributes['seq'] as number);
  const distinct = (): number[] => [...new Set(seqs())].sort((a, b) => a - b);

  beforeEach(async () => {
    baseDir = await makeTempDir('perflog-sender-');
    receiver = await startReceiver();
    other = await startReceiver();
  });
  afterEach(async () => {
    delete process.env['OTEL_EXPORTER_OTLP_LOGS_ENDPOINT'];
    await Promise.all(factories.splice(0).map((f) => f.shutdown()));
    await receiver.stop();
    await other.stop();
    await removeDir(baseDir);
  });

  it('bounds a whole request by timeoutMillis when the collector trickles its answer, then goes on', async () => {
    receiver.behaviour = (n) => (n === 1 ? 'trickle' : 200);
    const factory = make({ otlp: { timeoutMillis: 1000 } });
    const writer = factory.getWriter('app');
    for (let seq = 0; seq < 10; seq++) writer.logCounter('tick', 1, { seq });
    await waitFor(() => receiver.requests.count >= 1);
    for (let seq = 10; seq < 20; seq++) writer.logCounter('tick', 1, { seq });
    await waitFor(() => new Set(seqs()).size >= 20);
    expect(distinct()).to.deep.equal(range(0, 20));
  });

  it('lets a process shut down and exit while its collector trickles, releasing the shipping lease', async () => {
    receiver.behaviour = () => 'trickle';
    const child = await runNode(fixture('otlp-writer.ts'), [baseDir, receiver.url, '0', '10', '100', '1000'], { cwd: baseDir });
    expect(child.code, child.stderr).to.equal(0); // it exited by itself
    receiver.behaviour = () => 200;
    const next = make();
    next.getWriter('app').logCounter('tick', 1, { seq: 10 });
    await next.flush();
    expect(seqs()).to.include(10);
  });
  it('new PerformanceMonitorFactory({ otlp: { enabled: true } }) honours OTEL_EXPORTER_OTLP_*; an endpoint in code wins', async () => {
    process.env['OTEL_EXPORTER_OTLP_LOGS_ENDPOINT'] = receiver.url;
    const fromEnv = new PerformanceMonitorFactory({ baseDir: join(baseDir, 'a'), cleanup: { enabled: false }, otlp: { enabled: true } });
    const fromCode = new PerformanceMonitorFactory({ baseDir: join(baseDir, 'b'), cleanup: { enabled: false }, otlp: { enabled: true, endpoint: other.url } });
    fromEnv.getWriter('app').logCounter('env', 1);
    fromCode.getWriter('app').logCounter('code', 1);
    await Promise.all([fromEnv.shutdown(), fromCode.shutdown()]);
    expect(receiver.records.map((r) => r.body)).to.deep.equal(['env']);
    expect(other.records.map((r) => r.body)).to.deep.equal(['code']);
  });

  it('configure() after the config file turned OTLP on: flush() ships through the handed-over shipper and counts', async () => {
    await mkdir(join(baseDir, 'configs'));
    await writeFile(join(baseDir, 'configs/monitoring_logging.yaml'),
      `otlp:\n  enabled: true\n  endpoint: ${receiver.url}\nlog_cleanup:\n  enabled: false\n`);
    await writeFile(join(baseDir, 'configure.mts'), `
      import { PerformanceMonitorFactory } from ${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)};
      const factory = PerformanceMonitorFactory.getInstance();
      factory.getWriter('app').logCounter('before', 1);
      PerformanceMonitorFactory.configure({ otlp: { enabled: true, endpoint: ${JSON.stringify(receiver.url)}, timeoutMillis: 2000 } });
      factory.getWriter('app').logCounter('after', 1);
      await factory.flush();
      const flushed = factory.stats().recordsExported;
      await factory.shutdown();
      process.stdout.write(JSON.stringify({ flushed, final: factory.stats().recordsExported }));
    `);
    const child = await runNode(join(baseDir, 'configure.mts'), [], { cwd: baseDir });
    expect(child.code, child.stderr).to.equal(0);
    expect(JSON.parse(child.stdout)).to.deep.equal({ flushed: 2, final: 2 });
    expect(receiver.records.map((r) => r.body)).to.deep.equal(['before', 'after']);
  });
});
