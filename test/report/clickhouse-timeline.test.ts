import { expect } from 'chai';
import { Session } from 'chdb';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import type { CommandIo } from '../../src/cli/args.js';
import { collectClickHouseTimeline } from '../../src/report/clickhouse-timeline.js';
import { collectTimeline } from '../../src/report/collect.js';
import { runReportQueries } from '../../src/report/gather.js';
import { writeLogs } from '../fixtures/write-logs.js';
import { createLogsTable, loadRecords } from '../helpers/clickhouse.js';
import type { ClickHouseShim } from '../helpers/clickhouse-http.js';
import { startClickHouseShim } from '../helpers/clickhouse-http.js';

describe('collectClickHouseTimeline() and perflog report --clickhouse', function () {
  this.timeout(60_000);
  let session: Session;
  let shim: ClickHouseShim;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perflog-ch-report-'));
    const { records } = await writeLogs(join(dir, 'logs'), 3000, { seed: 3, gapMs: 400 });
    session = new Session();
    createLogsTable(session);
    await loadRecords(session, records);
    shim = await startClickHouseShim(session);
  });
  after(async () => {
    await shim.close();
    session.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the time series the files give: same span, bucket width, buckets, counts, errors and sketches', async () => {
    const files = { patterns: ['logs/*.log', 'logs/*.log.*'], baseDir: dir, module: 'llm' };
    const [local, remote] = await Promise.all([collectTimeline(files), collectClickHouseTimeline({ source: { clickhouse: { url: shim.url } }, module: 'llm' })]);
    expect(remote.linesRead).to.equal(local.operations.reduce((sum, op) => sum + op.count, 0));
    expect({ ...remote, operations: [], linesRead: 0, badLines: 0, files: 0 }).to.deep.equal({ ...local, operations: [], linesRead: 0, badLines: 0, files: 0 });
    expect(remote.operations.map((op) => [op.module, op.operation, op.count, op.timed]))
      .to.deep.equal(local.operations.map((op) => [op.module, op.operation, op.count, op.timed]));
    const op = remote.operations[0]!;
    const localOp = local.operations[0]!;
    expect([...op.buckets.keys()].sort()).to.deep.equal([...localOp.buckets.keys()].sort());
    expect(op.buckets.size).to.be.greaterThan(10);
    for (const [index, bucket] of op.buckets) {
      const other = localOp.buckets.get(index)!;
      expect([bucket.count, bucket.errors, bucket.sketch.count]).to.deep.equal([other.count, other.errors, other.sketch.count]);
      for (const q of [0.5, 0.95, 0.99]) expect(bucket.sketch.quantile(q)).to.be.closeTo(other.sketch.quantile(q), other.sketch.quantile(q) * 1e-9);
    }
  });

  it('runs every report query through the ClickHouse source with the files\' counts', async () => {
    const local = await runReportQueries({ patterns: ['logs/*.log', 'logs/*.log.*'], baseDir: dir });
    const remote = await runReportQueries({ source: { clickhouse: { url: shim.url } } } as never);
    for (const key of Object.keys(local) as (keyof typeof local)[]) {
      expect(remote[key].rows.map((row) => [row.group, row.count, row.errors]), key).to.deep.equal(local[key].rows.map((row) => [row.group, row.count, row.errors]));
    }
  });

  it('perflog report --clickhouse writes the page from ClickHouse', async () => {
    let stdout = '';
    let stderr = '';
    const io: CommandIo = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd: dir };
    const code = await main(['report', '--clickhouse', shim.url, '--out', 'ch.html'], io);
    expect({ code, stderr }).to.deep.equal({ code: 0, stderr: '' });
    expect(stdout).to.match(/^Wrote ch\.html \(3,000 records, 7 operations\)/);
    const html = await readFile(join(dir, 'ch.html'), 'utf8');
    expect(html).to.include(`ClickHouse ${shim.url}, table otel.otel_logs`).and.include('llm_call');
  });
});
