import { expect } from 'chai';
import { Session } from 'chdb';
import fc from 'fast-check';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { parse } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerflogConfigError } from '../../src/errors.js';
import { queryMetrics } from '../../src/query/query.js';
import type { QueryOptions, QueryResult, QueryRow } from '../../src/query/query.js';
import type { GeneratedRecord } from '../fixtures/metrics-data.js';
import { writeLogs } from '../fixtures/write-logs.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { repoPath } from '../helpers.js';
import { fixture, runNode } from '../helpers/files.js';
import { createLogsTable, exporterRow, loadRecords } from '../helpers/clickhouse.js';
import type { ClickHouseShim } from '../helpers/clickhouse-http.js';
import { startClickHouseShim } from '../helpers/clickhouse-http.js';

const COUNT = 4000;
const START_MS = Date.UTC(2026, 10, 24, 8, 0, 0);
const NASTY = ["'; DROP TABLE otel.otel_logs; --", "x' OR '1'='1", '{scope:String}', 'back\\slash\ttab\nline', '`) --', 'ünï €'];

describe('queryMetrics({ source: { clickhouse } })', function () {
  this.timeout(60_000);
  let session: Session;
  let shim: ClickHouseShim;
  let dir: string;
  let records: GeneratedRecord[];
  const local = (options: QueryOptions): Promise<QueryResult> => queryMetrics({ ...options, patterns: ['*.log', '*.log.*'], baseDir: dir });
  const remote = (options: QueryOptions): Promise<QueryResult> => queryMetrics({ ...options, source: { clickhouse: { url: shim.url } } });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perflog-ch-'));
    ({ records } = await writeLogs(dir, COUNT, { startMs: START_MS, seed: 11 }));
    session = new Session();
    createLogsTable(session);
    await loadRecords(session, records);
    // Another library's logs in the same table: not perflog's, never counted.
    session.query(`INSERT INTO otel.otel_logs (Timestamp, ServiceName, Body, ScopeName, LogAttributes) VALUES
      (fromUnixTimestamp64Milli(${START_MS + 5000}), 'app-0', 'llm_call', 'express', map('module', 'llm', 'operation', 'llm_call', 'duration', '99'))`);
    shim = await startClickHouseShim(session);
  });
  after(async () => {
    await shim.close();
    session.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Same groups, counts, errors, totals, min, max and mean as the files; percentiles within 1% of the exact rank. */
  async function expectSameAsFiles(options: QueryOptions, keep: (r: GeneratedRecord) => boolean): Promise<QueryRow[]> {
    const [fromFiles, fromClickHouse] = await Promise.all([local(options), remote(options)]);
    const rows = fromClickHouse.rows;
    expect(rows.map((r) => r.group)).to.deep.equal(fromFiles.rows.map((r) => r.group));
    expect(fromClickHouse.linesRead).to.equal(records.filter(keep).length);
    const groupBy = options.groupBy ?? ['module', 'operation'];
    rows.forEach((row, i) => {
      const file = fromFiles.rows[i]!;
      expect({ count: row.count, errors: row.errors, successRate: row.successRate, totals: row.totals })
        .to.deep.equal({ count: file.count, errors: file.errors, successRate: file.successRate, totals: file.totals });
      expect(row.duration.min).to.equal(file.duration.min);
      expect(row.duration.max).to.equal(file.duration.max);
      if (file.duration.mean === null) { expect(row.duration.mean).to.equal(null); return; }
      expect(row.duration.mean).to.be.closeTo(file.duration.mean, 1e-9 * file.duration.mean);
      const durations = records.filter((r) => keep(r) && groupBy.every((f) => (r[f] ?? null) === row.group[f]))
        .map((r) => r[options.measure ?? 'duration']).filter((d): d is number => typeof d === 'number').sort((a, b) => a - b);
      expectPercentiles(row.duration, durations);
    });
    return rows;
  }

  it('returns the same counts, error rates, totals and percentiles (within 1%) as the files, by module and operation', async () => {
    await expectSameAsFiles({}, () => true);
  });

  it('supports every section 8 grouping (none, model and provider, success, a user attribute), measure and sum', async () => {
    await expectSameAsFiles({ groupBy: [] }, () => true);
    await expectSameAsFiles({ groupBy: ['provider', 'model'] }, () => true);
    const bySuccess = await expectSameAsFiles({ groupBy: ['success'] }, () => true);
    expect(bySuccess.map((row) => row.group['success'])).to.deep.equal([false, true, null]);
    await expectSameAsFiles({ groupBy: ['thread_id', 'module'] }, () => true);
    await expectSameAsFiles({ module: 'tool', measure: 'value', groupBy: ['operation'] }, (r) => r['module'] === 'tool');
    const summed = await expectSameAsFiles({ groupBy: ['module'], sum: ['value', '__proto__'] }, () => true);
    expect(summed.find((row) => row.group['module'] === 'tool')!.totals['value']).to.be.greaterThan(0);
  });

  it('supports every section 8 filter: since, until, module, operation, where (strings, booleans, numbers)', async () => {
    const since = (START_MS + 20 * COUNT * 0.25) / 1000;
    const until = new Date(START_MS + 20 * COUNT * 0.75);
    const inWindow = (r: GeneratedRecord): boolean => (r['timestamp'] as number) >= since && (r['timestamp'] as number) < until.getTime() / 1000;
    await expectSameAsFiles({ since, until }, inWindow);
    await expectSameAsFiles({ since: new Date(since * 1000).toISOString(), module: 'llm', groupBy: ['model'] },
      (r) => (r['timestamp'] as number) >= since && r['module'] === 'llm');
    await expectSameAsFiles({ operation: 'tool_call', groupBy: ['tool'] }, (r) => r['operation'] === 'tool_call');
    await expectSameAsFiles({ where: { provider: 'openai', success: false }, groupBy: ['model', 'error'] },
      (r) => r['provider'] === 'openai' && r['success'] === false);
    await expectSameAsFiles({ where: { value: 1 }, groupBy: ['operation'] }, (r) => r['value'] === 1);
    const none = await remote({ since: '1h' });
    expect(none.rows).to.deep.equal([]);
  });

  it('adds timeToFirstToken and outputTokensPerSecond to the rows holding llm_call records only', async () => {
    const { rows } = await remote({ groupBy: ['module', 'operation'] });
    for (const row of rows) {
      if (row.group['operation'] !== 'llm_call') {
        expect(row).to.not.have.property('timeToFirstToken');
        expect(row).to.not.have.property('outputTokensPerSecond');
        continue;
      }
      const streamed = records.filter((r) => r['operation'] === 'llm_call' && typeof r['time_to_first_token'] === 'number');
      const ttft = streamed.map((r) => r['time_to_first_token'] as number).sort((a, b) => a - b);
      expect(row.timeToFirstToken!.min).to.equal(ttft[0]);
      expect(row.timeToFirstToken!.max).to.equal(ttft[ttft.length - 1]);
      expectPercentiles(row.timeToFirstToken!, ttft);
      const speeds = streamed.filter((r) => (r['duration'] as number) > (r['time_to_first_token'] as number))
        .map((r) => (r['completion_tokens'] as number) / ((r['duration'] as number) - (r['time_to_first_token'] as number)))
        .sort((a, b) => a - b);
      const exact = speeds[Math.floor(0.5 * (speeds.length - 1))]!;
      expect(row.outputTokensPerSecond).to.be.closeTo(exact, exact * 0.01);
    }
  });

  it('binds every filter value, field name and table name: injection attempts come back as plain values', async () => {
    const tricky = NASTY.map((text, i) => ({ timestamp: (START_MS + i) / 1000, metric_type: 'timer', operation: text, duration: 0.5,
      success: true, module: text, [text]: text }));
    session.query(`INSERT INTO otel.otel_logs FORMAT JSONEachRow ${tricky.map((r) => exporterRow(r, 'app-0')).join('\n')}`);
    const total = (): number => Number(session.query('SELECT count() FROM otel.otel_logs', 'TSV').trim());
    const before = total();
    for (const text of NASTY) {
      const { rows } = await remote({ module: text, operation: text, where: { [text]: text }, groupBy: [text, 'module'] });
      expect(rows.map((row) => [row.group, row.count])).to.deep.equal([[{ [text]: text, module: text }, 1]]);
    }
    await fc.assert(fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 24 }), fc.string({ maxLength: 12 }), async (value, field) => {
      const key = field === '' ? 'tool' : field;
      const { rows } = await remote({ module: value, where: { [key]: value }, groupBy: [key] });
      for (const row of rows) expect(row.group[key]).to.equal(value);
    }), { numRuns: 15 });
    const missing = await remote({ since: 0 }).then(() => undefined, (error: unknown) => error);
    expect(missing).to.equal(undefined);
    const table = await queryMetrics({ source: { clickhouse: { url: shim.url, table: 'otel_logs; DROP TABLE otel.otel_logs' } } })
      .then(() => undefined, (error: unknown) => error as Error);
    expect(table).to.include({ name: 'PerflogSourceError', code: 'PERFLOG_SOURCE_FAILED' });
    expect(total()).to.equal(before);
    session.query(`ALTER TABLE otel.otel_logs DELETE WHERE Timestamp < fromUnixTimestamp64Milli(${START_MS + NASTY.length}) SETTINGS mutations_sync = 1`);
    expect(total()).to.equal(before - NASTY.length);
  });

  it('runs one aggregation query per question, filtering on TimestampTime (the order key) and never selecting raw rows', async () => {
    const from = shim.queries.length;
    await remote({ since: START_MS / 1000, until: (START_MS + 60_000) / 1000, module: 'llm', groupBy: ['model'] });
    const sent = shim.queries.slice(from);
    expect(sent).to.have.length(1);
    const { query, params } = sent[0]!;
    expect(query).to.match(/WHERE TimestampTime >= toDateTime\(\{sinceSeconds:UInt32\}\)/);
    expect(query).to.match(/GROUP BY group0/);
    expect(query).to.not.include("'llm'");
    expect(params).to.include({ whereValue0: 'llm', groupKey0: 'model', database: 'otel', table: 'otel_logs' });
  });

  it('rejects bad source options with PerflogConfigError naming the option, before any I/O', async () => {
    const bad = [
      [{ clickhouse: { url: 'ftp://ch' } }, 'source.clickhouse.url'],
      [{ clickhouse: { url: 'http://ch', table: '' } }, 'source.clickhouse.table'],
      [{ clickhouse: { url: 'http://ch', tabel: 'x' } }, 'source.clickhouse.tabel'],
      [{ duckdb: {} }, 'source'],
    ] as const;
    for (const [source, key] of bad) {
      const error = await queryMetrics({ source: source as never }).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(PerflogConfigError);
      expect((error as PerflogConfigError).key).to.equal(key);
    }
  });
  describe('configs/collector/', () => {
    it('perflog_metrics.sql: a view of typed columns over the exporter table, agreeing with queryMetrics', async () => {
      session.query(await readFile(repoPath('configs/collector/perflog_metrics.sql'), 'utf8'));
      const types = session.query('SELECT toTypeName(duration), toTypeName(prompt_tokens), toTypeName(success) FROM otel.perflog_metrics LIMIT 1', 'TSV');
      expect(types.trim().split('\t')).to.deep.equal(['Nullable(Float64)', 'UInt64', 'Nullable(Bool)']);
      const view = session.query(`SELECT module, operation, count() AS count, countIf(success = false) AS errors, sum(size) AS size,
        sum(total_tokens) AS total_tokens FROM otel.perflog_metrics GROUP BY module, operation ORDER BY module, operation`, 'JSONEachRow')
        .trim().split('\n').map((line) => JSON.parse(line) as Record<string, string | number>);
      const { rows } = await remote({});
      expect(view.map((v) => [v['module'], v['operation'], Number(v['count']), Number(v['errors']), Number(v['size']), Number(v['total_tokens'])]))
        .to.deep.equal(rows.map((r) => [r.group['module'], r.group['operation'], r.count, r.errors, r.totals.size, r.totals.total_tokens]));
    });

    it('otel-collector.yaml: OTLP/HTTP receiver -> batch -> clickhouse exporter, into the table perflog reads by default', async () => {
      const config = parse(await readFile(repoPath('configs/collector/otel-collector.yaml'), 'utf8')) as {
        receivers: { otlp: { protocols: Record<string, unknown> } }; exporters: { clickhouse: Record<string, unknown> };
        service: { pipelines: { logs: Record<string, string[]> } } };
      expect(config.service.pipelines.logs).to.deep.equal({ receivers: ['otlp'], processors: ['batch'], exporters: ['clickhouse'] });
      expect(config.receivers.otlp.protocols).to.have.property('http');
      expect(config.exporters.clickhouse).to.include({ database: 'otel', logs_table_name: 'otel_logs', create_schema: true });
    });
  });

  describe('errors users meet', () => {
    /** The error of a query against `clickhouse`, checked to name the server without credentials and the table. */
    async function failure(clickhouse: { url: string; table?: string; username?: string; password?: string }, table = 'otel.otel_logs'): Promise<string> {
      const error = await queryMetrics({ source: { clickhouse } }).then(() => undefined, (e: unknown) => e as Error);
      expect(error).to.include({ name: 'PerflogSourceError', code: 'PERFLOG_SOURCE_FAILED' });
      const message = error!.message;
      expect(message).to.include(new URL(clickhouse.url).host).and.include(table);
      expect(message).to.not.include('s3cret');
      return message;
    }

    it('an unreachable server: names the URL (no credentials) and the table', async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      expect(await failure({ url: `http://ops:s3cret@127.0.0.1:${port}` })).to.match(/^could not reach ClickHouse at http:\/\/127\.0\.0\.1:\d+ \(table otel\.otel_logs\)/);
    });

    it('wrong credentials: says the server refused the user, never prints the password', async () => {
      const guarded = await startClickHouseShim(session, { username: 'ops', password: 'right' });
      try {
        expect(await failure({ url: guarded.url, username: 'ops', password: 's3cret' })).to.include('refused the credentials of user "ops"');
        const ok = await queryMetrics({ source: { clickhouse: { url: guarded.url, username: 'ops', password: 'right' } }, groupBy: [] });
        expect(ok.rows[0]!.count).to.be.greaterThan(COUNT - 1);
      } finally {
        await guarded.close();
      }
    });

    it('a missing table or database: names it and what was expected', async () => {
      expect(await failure({ url: shim.url, table: 'otel_logz' }, 'otel.otel_logz')).to.include("has no table otel.otel_logz: expected the OpenTelemetry Collector clickhouse exporter's logs table");
    });

    it('a table of another schema: lists the columns expected and found', async () => {
      session.query('CREATE TABLE IF NOT EXISTS otel.app_logs (Timestamp DateTime64(9), Message String) ENGINE = MergeTree ORDER BY Timestamp');
      const message = await failure({ url: shim.url, table: 'app_logs' }, 'otel.app_logs');
      expect(message).to.include("table otel.app_logs does not have the clickhouse exporter's logs schema: expected Timestamp DateTime64(9), TimestampTime DateTime");
      expect(message).to.include('found Timestamp DateTime64(9), Message String');
    });

    it('without @clickhouse/client installed: import "perflog" never asks for it; a ClickHouse query says to install it', async () => {
      const { code, stdout, stderr } = await runNode(fixture('no-clickhouse-client.ts'), [], { cwd: dir });
      expect(code, stderr).to.equal(0);
      const report = JSON.parse(stdout) as { askedOnImport: number; fileRows: number; error: { name: string; message: string } };
      expect(report.askedOnImport).to.equal(0);
      expect(report.fileRows).to.equal(0);
      expect(report.error.name).to.equal('PerflogSourceError');
      expect(report.error.message).to.include('npm install @clickhouse/client');
    });
  });
});

function expectPercentiles(summary: { p50: number | null; p90: number | null; p95: number | null; p99: number | null }, sorted: number[]): void {
  for (const [name, q] of [['p50', 0.5], ['p90', 0.9], ['p95', 0.95], ['p99', 0.99]] as const) {
    const exact = sorted[Math.floor(q * (sorted.length - 1))]!;
    expect(summary[name], name).to.be.closeTo(exact, exact * 0.01);
  }
}
