import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import type { CommandIo } from '../../src/cli/args.js';
import { queryMetrics } from '../../src/query/query.js';
import type { GeneratedRecord } from '../fixtures/metrics-data.js';
import { writeLogs } from '../fixtures/write-logs.js';
import { BAD_LINES, BAD_LINE_COUNT, checkRows, expectedGroups } from '../helpers/query-expectations.js';

async function run(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('perflog stats', () => {
  let dir: string;
  let records: GeneratedRecord[];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perflog-stats-'));
    ({ records } = await writeLogs(join(dir, 'logs'), 100_000, { gzip: true, extraLines: BAD_LINES }));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('--format json prints exactly the queryMetrics result, as one JSON document', async () => {
    const { code, stdout, stderr } = await run(['stats', '--format', 'json'], dir);
    expect({ code, stderr }).to.deep.equal({ code: 0, stderr: '' });
    const printed: unknown = JSON.parse(stdout);
    expect(printed).to.deep.equal(await queryMetrics({ baseDir: dir }));
    const result = printed as Awaited<ReturnType<typeof queryMetrics>>;
    checkRows(result.rows, expectedGroups(records, ['module', 'operation']), ['module', 'operation']);
    expect(result.badLines).to.equal(BAD_LINE_COUNT);
  });

  it('prints an aligned table with human units and thousands separators', async () => {
    const { code, stdout } = await run(['stats', '--dir', 'logs'], dir);
    expect(code).to.equal(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(/^module\s+operation\s+count\s+errors\s+ok\s+mean\s+p50\s+p95\s+p99\s+max\s+size\s+tokens$/);
    expect(lines[1]).to.match(/^-+( +-+)+$/);
    const llm = lines.find((line) => line.startsWith('llm '))!;
    const count = records.filter((r) => r['module'] === 'llm').length;
    expect(llm).to.include(count.toLocaleString('en-US'));
    expect(llm).to.match(/\d\.\d\d s/);
    expect(lines.find((line) => line.startsWith('checkpoint '))).to.match(/\d ms .* (MB|GB)/);
    // Right-aligned numbers: every row ends at the same column as the header.
    const width = lines[0]!.length;
    for (const line of lines.slice(1, 8)) expect(line.length).to.equal(width);
    expect(lines[lines.length - 1]).to.equal(`${(100_000 + BAD_LINE_COUNT).toLocaleString('en-US')} lines read from 8 files, ${BAD_LINE_COUNT} bad`);
  });

  it('applies --module, --operation, --since, --until, --group-by and --pattern', async () => {
    const since = records[10_000]!['timestamp'] as number;
    const until = new Date((records[90_000]!['timestamp'] as number) * 1000).toISOString();
    const { code, stdout } = await run(['stats', '--pattern', 'logs/llm_*', '--module', 'llm', '--operation', 'llm_call',
      '--since', String(since), '--until', until, '--group-by', 'provider', '--format', 'json'], dir);
    expect(code).to.equal(0);
    const keep = (r: GeneratedRecord): boolean => r['module'] === 'llm' && (r['timestamp'] as number) >= since
      && (r['timestamp'] as number) < Date.parse(until) / 1000;
    const result = JSON.parse(stdout) as Awaited<ReturnType<typeof queryMetrics>>;
    checkRows(result.rows, expectedGroups(records, ['provider'], keep), ['provider']);
    expect(result.files).to.equal(2);
  });

  it('exits 2 with a clear message on a usage error', async () => {
    const cases: [string[], RegExp][] = [
      [['stats', '--dir', 'missing'], /--dir missing: no such directory/],
      [['stats', '--since', 'yesterday'], /--since must be epoch seconds, an ISO 8601 date\/time .* a relative span back from now \("90s", "30m", "24h", "7d"\) \(got "yesterday"\)/],
      [['stats', '--until', '3 weeks'], /--until must be/],
      [['stats', '--format', 'xml'], /--format must be "table" or "json"/],
      [['stats', '--nope'], /nope/],
      [['stats', '--group-by', ','], /--group-by needs field names/],
      [['report'], /--out FILE is required/],
    ];
    for (const [argv, message] of cases) {
      const { code, stdout, stderr } = await run(argv, dir);
      expect({ argv, code, stdout }).to.deep.equal({ argv, code: 2, stdout: '' });
      expect(stderr).to.match(message);
      expect(stderr).to.include('Usage: perflog ');
    }
  });

  it('exits 1 on a runtime failure', async () => {
    await writeFile(join(dir, 'plain-file'), 'x');
    const { code, stderr } = await run(['report', '--dir', 'logs', '--out', 'plain-file/report.html'], dir);
    expect(code).to.equal(1);
    expect(stderr).to.match(/^perflog report: /);
  });

  it('runs as the perflog bin: exit code and output of a real process', function () {
    this.timeout(30_000);
    const root = join(import.meta.dirname, '../..');
    const cli = join(root, 'src/cli.ts');
    const ok = spawnSync(process.execPath, ['--import', 'tsx', cli, 'stats', '--dir', join(dir, 'logs'), '--module', 'tool'], { encoding: 'utf8', cwd: root });
    expect(ok.status).to.equal(0);
    expect(ok.stdout).to.match(/^module +operation/);
    const bad = spawnSync(process.execPath, ['--import', 'tsx', cli, 'stats', '--dir', dir, '--since', 'soon'], { encoding: 'utf8', cwd: root });
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.include('--since must be');
  });
});
