import { expect } from 'chai';
import { Session } from 'chdb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { queryMetrics } from '../../src/query/query.js';
import { generateRecords } from '../fixtures/metrics-data.js';
import { repoPath } from '../helpers.js';
import { runNode } from '../helpers/files.js';
import { createLogsTable, loadRecords } from '../helpers/clickhouse.js';
import type { ClickHouseShim } from '../helpers/clickhouse-http.js';
import { startClickHouseShim } from '../helpers/clickhouse-http.js';

const run = runCli;

describe('perflog stats --clickhouse', function () {
  this.timeout(60_000);
  let session: Session;
  let shim: ClickHouseShim;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perflog-ch-cli-'));
    session = new Session();
    createLogsTable(session, 'metrics', 'logs');
    await loadRecords(session, [...generateRecords(2000, { seed: 5 })].map((r) => r.record), { database: 'metrics', table: 'logs' });
    shim = await startClickHouseShim(session, { username: 'ops', password: 'right' });
  });
  after(async () => {
    await shim.close();
    session.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the ClickHouse source result, as JSON or as the table, with credentials from CLICKHOUSE_USER / CLICKHOUSE_PASSWORD', async () => {
    process.env['CLICKHOUSE_USER'] = 'ops';
    process.env['CLICKHOUSE_PASSWORD'] = 'right';
    try {
      const flags = ['--clickhouse', shim.url, '--database', 'metrics', '--table', 'logs', '--module', 'llm', '--group-by', 'model'];
      const json = await run(['stats', ...flags, '--format', 'json'], dir);
      expect({ code: json.code, stderr: json.stderr }).to.deep.equal({ code: 0, stderr: '' });
      const expected = await queryMetrics({ source: { clickhouse: { url: shim.url, database: 'metrics', table: 'logs', username: 'ops', password: 'right' } },
        module: 'llm', groupBy: ['model'] });
      expect(JSON.parse(json.stdout)).to.deep.equal(JSON.parse(JSON.stringify(expected)));
      expect(expected.rows).to.have.length(4);
      const table = await run(['stats', ...flags], dir);
      expect(table.code).to.equal(0);
      expect(table.stdout.trimEnd().split('\n').pop()).to.equal(
        `${expected.linesRead.toLocaleString('en-US')} records aggregated in ClickHouse ${shim.url}, table metrics.logs`);
    } finally {
      delete process.env['CLICKHOUSE_USER'];
      delete process.env['CLICKHOUSE_PASSWORD'];
    }
  });

  it('exits 1 with a message naming the server and table, never the password, when the credentials are refused', async () => {
    const { code, stdout, stderr } = await runNode(repoPath('src/cli.ts'), ['stats', '--clickhouse', shim.url, '--database', 'metrics', '--table', 'logs'],
      { cwd: dir, env: { ...process.env, CLICKHOUSE_USER: 'ops', CLICKHOUSE_PASSWORD: 'wrong-s3cret' } });
    expect({ code, stdout }).to.deep.equal({ code: 1, stdout: '' });
    expect(stderr).to.include(`perflog stats: ClickHouse at ${shim.url} refused the credentials of user "ops" for table metrics.logs`);
    expect(stderr).to.not.include('s3cret');
  });

  it('exits 2 on a bad combination of flags', async () => {
    const cases = [
      [['--clickhouse', 'ftp://user:s3cret@ch'], '--clickhouse must be the http(s) URL of the server'],
      [['--clickhouse', shim.url, '--dir', 'logs'], '--clickhouse reads ClickHouse, not files'],
      [['--table', 'logs'], '--table needs --clickhouse URL'],
      [['--clickhouse', shim.url, '--database', ''], '--database must not be empty'],
    ] as const;
    for (const [flags, message] of cases) {
      const { code, stderr } = await run(['stats', ...flags], dir);
      expect(code, stderr).to.equal(2);
      expect(stderr).to.include(message).and.not.include('s3cret');
    }
  });
});
