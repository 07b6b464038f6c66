import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerflogConfigError } from '../../src/errors.js';
import { queryMetrics, tuning } from '../../src/query/query.js';
import { readMetrics } from '../../src/query/reader.js';
import type { GeneratedRecord } from '../fixtures/metrics-data.js';
import { writeLogs } from '../fixtures/write-logs.js';
import { BAD_LINES, BAD_LINE_COUNT, checkRows, expectedGroups } from '../helpers/query-expectations.js';

describe('queryMetrics()', () => {
  let dir: string;
  let records: GeneratedRecord[];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perflog-query-'));
    ({ records } = await writeLogs(join(dir, 'logs'), 100_000, { gzip: true, extraLines: BAD_LINES }));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('groups 100,000 records by module and operation: exact counts, errors, totals, min/max; percentiles within 1%', async () => {
    const result = await queryMetrics({ baseDir: dir });
    checkRows(result.rows, expectedGroups(records, ['module', 'operation']), ['module', 'operation']);
    expect(result).to.include({ linesRead: 100_000 + BAD_LINE_COUNT, badLines: BAD_LINE_COUNT, files: 8 });
    expect(result.rows.map((r) => `${r.group['module']}/${r.group['operation']}`)).to.deep.equal([...result.rows.map((r) => `${r.group['module']}/${r.group['operation']}`)].sort());
  });

  it('gives the same answer on worker threads reading byte ranges', async () => {
    const single = await queryMetrics({ baseDir: dir, threads: 0 });
    const pieceBytes = tuning.pieceBytes;
    tuning.pieceBytes = 256 * 1024;
    const parallel = await queryMetrics({ baseDir: dir, threads: 2 }).finally(() => { tuning.pieceBytes = pieceBytes; });
    expect(parallel.rows.length).to.equal(single.rows.length);
    parallel.rows.forEach((row, i) => {
      // Means are sums in another order: equal to rounding.
      const { duration, timeToFirstToken, ...rest } = row;
      const { duration: expected, timeToFirstToken: expectedTtft, ...expectedRest } = single.rows[i]!;
      expect(rest).to.deep.equal(expectedRest);
      for (const [summary, want] of [[duration, expected], [timeToFirstToken, expectedTtft]] as const) {
        if (summary === undefined || summary === null || want === undefined || want === null) { expect(summary).to.equal(want); continue; }
        expect({ ...summary, mean: 0 }).to.deep.equal({ ...want, mean: 0 });
        if (summary.mean !== null) expect(summary.mean).to.be.closeTo(want.mean!, 1e-12);
      }
    });
    expect(parallel).to.include({ linesRead: single.linesRead, badLines: single.badLines, files: single.files });
  });

  it('runs its worker threads in a process started with flags a worker refuses (--expose-gc, a heap size)', () => {
    const fixture = join(import.meta.dirname, '../fixtures/query-rss.ts');
    const args = ['--expose-gc', '--max-old-space-size=512', '--import', 'tsx', fixture, join(dir, 'logs', '*.log*'), '1'];
    const child = spawnSync(process.execPath, args, { encoding: 'utf8' });
    expect(child.status, child.stderr).to.equal(0);
    const { count } = JSON.parse(child.stdout) as { count: number };
    expect(count).to.equal(records.length);
  });

  it('applies module, operation, where and time filters exactly', async () => {
    const since = records[20_000]!['timestamp'] as number;
    const until = records[70_000]!['timestamp'] as number;
    const keep = (r: GeneratedRecord): boolean => r['module'] === 'llm' && r['provider'] === 'openai'
      && (r['timestamp'] as number) >= since && (r['timestamp'] as number) < until;
    const result = await queryMetrics({ baseDir: dir, module: 'llm', operation: 'llm_call', where: { provider: 'openai' },
      since: new Date(since * 1000), until: new Date(until * 1000).toISOString(), groupBy: ['model'] });
    checkRows(result.rows, expectedGroups(records, ['model'], keep), ['model']);
    const failed = await queryMetrics({ baseDir: dir, where: { success: false }, groupBy: [] });
    expect(failed.rows).to.have.length(1);
    expect(failed.rows[0]!.count).to.equal(records.filter((r) => r['success'] === false).length);
    expect(failed.rows[0]!.group).to.deep.equal({});
  });

  it('groups by any field; records without it form the null group', async () => {
    const result = await queryMetrics({ baseDir: dir, groupBy: ['tool'] });
    checkRows(result.rows, expectedGroups(records, ['tool']), ['tool']);
    expect(result.rows[result.rows.length - 1]!.group).to.deep.equal({ tool: null });
  });

  it('reads the SPEC example style (spaces), nested values through JSON.parse, and escaped keys', async () => {
    await writeFile(join(dir, 'other.log'), [
      '{"timestamp": 1704110400.0, "metric_type": "timer", "operation": "checkpoint_save", "duration": 0.5, "size": 1024, "success": true, "module": "checkpoint"}',
      '{"timestamp":1704110401,"operation":"checkpoint_save","duration":1.5,"success":false,"module":"checkpoint","meta":{"a":[1]}}',
      '{"timestamp":1704110402,"operation":"checkpoint_save","dur\\u0061tion":2.5,"module":"checkpoint","size":1e3}',
      '',
    ].join('\n'));
    const result = await queryMetrics({ baseDir: dir, patterns: ['other.log'] });
    expect(result.rows).to.have.length(1);
    expect(result.rows[0]).to.deep.include({ count: 3, errors: 1, totals: { size: 2024, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } });
    expect(result.rows[0]!.duration).to.include({ min: 0.5, max: 2.5, mean: 1.5 });
  });

  it('measures or sums a field that is also a total (measure: "size", sum: ["size"]) and still totals it', async () => {
    await writeFile(join(dir, 'sizes.log'), [
      '{"timestamp":1704110400,"metric_type":"timer","operation":"save","duration":0.5,"size":1000,"success":true,"module":"checkpoint"}',
      '{"timestamp":1704110401,"metric_type":"timer","operation":"save","duration":1.5,"size":3000,"success":true,"module":"checkpoint"}',
      '',
    ].join('\n'));
    const result = await queryMetrics({ baseDir: dir, patterns: ['sizes.log'], measure: 'size', sum: ['size', 'duration'] });
    expect(result.rows[0]!.totals).to.include({ size: 4000, duration: 2 });
    expect(result.rows[0]!.duration).to.include({ min: 1000, max: 3000, mean: 2000 }); // the measured field's summary
  });

  it('rejects bad options with a PerflogConfigError naming them', async () => {
    for (const [options, key] of [[{ since: 'yesterday' }, 'since'], [{ until: 'soon' }, 'until'], [{ groupBy: 'module' }, 'groupBy'],
      [{ threads: -1 }, 'threads'], [{ patterns: [] }, 'patterns']] as const) {
      const error = await queryMetrics({ baseDir: dir, ...options } as never).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(PerflogConfigError);
      expect((error as PerflogConfigError).key).to.equal(key);
    }
    const error = await queryMetrics({ baseDir: dir, since: 'yesterday' }).catch((e: Error) => e);
    expect((error as Error).message).to.match(/^since must be .*epoch seconds.*ISO 8601.*"24h", "7d"/);
  });

  it('counts timestamps outside 1970..9999 (ms, µs, 1e300, negative) as bad lines, in queryMetrics and readMetrics', async () => {
    const line = (timestamp: string): string => `{"timestamp":${timestamp},"metric_type":"timer","operation":"x","duration":0.1,"module":"m"}`;
    await writeFile(join(dir, 'times.log'), [line('1e13'), line('-1e13'), line('1e300'), line('1764000000123456'), line('1764000000'), ''].join('\n'));
    const result = await queryMetrics({ baseDir: dir, patterns: ['times.log'] });
    expect(result).to.deep.include({ linesRead: 5, badLines: 4 });
    expect(result.rows.map((row) => row.count)).to.deep.equal([1]);
    const reader = readMetrics({ baseDir: dir, patterns: ['times.log'] });
    const read: unknown[] = [];
    for await (const record of reader) read.push(record.timestamp);
    expect(read).to.deep.equal([1764000000]);
    expect(reader.stats).to.include({ linesRead: 5, badLines: 4 });
  });

  it('keeps durations of 1e-300 and 1e300 in bounded sketches: min and max exact, percentiles clamped to them', async () => {
    const lines: string[] = [];
    for (let group = 0; group < 50; group++) {
      for (const duration of ['1e-300', '1e300', '0.5']) {
        lines.push(`{"timestamp":1764000000,"metric_type":"timer","operation":"op${group}","duration":${duration},"module":"m"}`);
      }
    }
    await writeFile(join(dir, 'extremes.log'), `${lines.join('\n')}\n`);
    const result = await queryMetrics({ baseDir: dir, patterns: ['extremes.log'] });
    expect(result.rows).to.have.length(50);
    for (const row of result.rows) {
      expect(row.duration).to.include({ min: 1e-300, max: 1e300 });
      expect(row.duration.p50).to.be.closeTo(0.5, 0.005);
    }
  });

  it('rejects a date that does not exist (2026-02-30) instead of rolling it over', async () => {
    for (const until of ['2026-02-30', '2025-02-29', '2026-04-31T10:00:00Z', '2026-13-01']) {
      const error = await queryMetrics({ baseDir: dir, until }).catch((e: unknown) => e);
      expect(error, until).to.be.instanceOf(PerflogConfigError);
    }
    await queryMetrics({ baseDir: dir, patterns: ['times.log'], until: '2028-02-29' });
  });
});
