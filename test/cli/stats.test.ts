import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { queryMetrics } from '../../src/query/query.js';
import type { GeneratedRecord } from '../fixtures/metrics-data.js';
import { writeLogs } from '../fixtures/write-logs.js';
import { writeAgentLogs } from '../fixtures/agent-records.js';
import type { QueryResult } from '../../src/query/query.js';
import { BAD_LINES, BAD_LINE_COUNT, checkRows, expectedGroups } from '../helpers/query-expectations.js';

const run = runCli;

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
      [['stats', '--until', '2026-02-30'], /--until must be/],
      [['stats', '--top', '0'], /--top must be/],
      [['report', '--prices', 'missing.json'], /--prices missing.json: ENOENT/],
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
    const { code, stderr } = await run(['report', '--pattern', 'logs/tool_metrics.log', '--out', 'plain-file/report.html'], dir);
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

  describe('an agent team\'s breakdowns', () => {
    let agent: string;
    let written: GeneratedRecord[];
    before(async () => {
      agent = await mkdtemp(join(tmpdir(), 'perflog-agent-'));
      written = await writeAgentLogs(join(agent, 'logs'));
    });
    after(() => rm(agent, { recursive: true, force: true }));

    it('--group-by node, tool, model+provider, error, checkpoint_ns: every figure of --format json', async () => {
      const cases: [string, string[], (r: GeneratedRecord) => boolean][] = [
        ['node_execution', ['node'], (r) => r['operation'] === 'node_execution'],
        ['tool_call', ['tool'], (r) => r['operation'] === 'tool_call'],
        ['llm_call', ['model', 'provider'], (r) => r['operation'] === 'llm_call'],
        ['checkpoint_save', ['checkpoint_ns'], (r) => r['operation'] === 'checkpoint_save'],
      ];
      for (const [operation, groupBy, keep] of cases) {
        const { code, stdout } = await run(['stats', '--operation', operation, '--group-by', groupBy.join(','), '--format', 'json'], agent);
        expect(code).to.equal(0);
        checkRows((JSON.parse(stdout) as QueryResult).rows, expectedGroups(written, groupBy, keep), groupBy);
      }
      const errors = JSON.parse((await run(['stats', '--group-by', 'error', '--format', 'json'], agent)).stdout) as QueryResult;
      checkRows(errors.rows, expectedGroups(written, ['error']), ['error']);
      expect(errors.rows.map((row) => [row.group['error'], row.count])).to.deep.equal([
        ['HTTPError: 500', 5], ['RateLimitError: 429', 1], ['TimeoutError', 10], ['ValueError', 1], [null, 261]]);
    });

    it('llm_call rows carry timeToFirstToken and outputTokensPerSecond (SPEC 8); other rows do not', async () => {
      const { stdout } = await run(['stats', '--group-by', 'module,model', '--format', 'json'], agent);
      const rows = (JSON.parse(stdout) as QueryResult).rows;
      const gpt = rows.find((row) => row.group['model'] === 'gpt-4o')!;
      const ttft = written.filter((r) => r['model'] === 'gpt-4o').map((r) => r['time_to_first_token'] as number).sort((a, b) => a - b);
      expect(gpt.timeToFirstToken).to.include({ min: ttft[0], max: ttft[19] });
      expect(gpt.timeToFirstToken!.mean).to.be.closeTo(0.525, 1e-9);
      for (const [name, q] of [['p50', 0.5], ['p90', 0.9], ['p95', 0.95], ['p99', 0.99]] as const) {
        const exact = ttft[Math.floor(q * 19)]!;
        expect(gpt.timeToFirstToken![name]).to.be.closeTo(exact, exact * 0.01);
      }
      const rates = ttft.map((t) => 100 / (2 - t)).sort((a, b) => a - b);
      expect(gpt.outputTokensPerSecond).to.be.closeTo(rates[9]!, rates[9]! * 0.01);
      const claude = rows.find((row) => row.group['model'] === 'claude-sonnet')!;
      expect(claude).to.deep.include({ timeToFirstToken: null, outputTokensPerSecond: null });
      for (const row of rows.filter((r) => r.group['module'] !== 'llm')) expect(row).to.not.have.any.keys('timeToFirstToken', 'outputTokensPerSecond');
      expect(rows.find((row) => row.group['module'] === 'log_cleaner')!.count).to.equal(3);
    });

    it('the table keeps perflog\'s own records in a maintenance section, --include-internal puts them back; --top cuts to N and "other"', async () => {
      const table = (await run(['stats'], agent)).stdout.split('\n');
      const maintenance = table.findIndex((line) => line.startsWith('perflog maintenance'));
      expect(maintenance).to.be.greaterThan(0);
      expect(table.slice(0, maintenance).some((line) => line.startsWith('log_cleaner'))).to.equal(false);
      expect(table.slice(maintenance).some((line) => line.startsWith('log_cleaner  log_cleanup'))).to.equal(true);
      const inline = (await run(['stats', '--include-internal'], agent)).stdout;
      expect(inline).to.not.include('perflog maintenance');
      expect(inline).to.match(/^log_cleaner +log_cleanup +3 /m);
      const top = (await run(['stats', '--operation', 'tool_call', '--group-by', 'tool', '--top', '3'], agent)).stdout.trimEnd().split('\n');
      expect(top.slice(2, 6).map((line) => line.split(/ {2,}/).slice(0, 3))).to.deep.equal([
        ['search', '40', '0'], ['tool_01', '1', '0'], ['tool_02', '1', '0'], ['other (13 groups)', '13', '1']]);
    });
  });
});
