import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createWriteStream, readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { PerflogConfigError } from '../../src/errors.js';
import { MAX_LINE_BYTES, readChunks, splitFile, splitLines } from '../../src/query/files.js';
import { queryMetrics } from '../../src/query/query.js';
import type { MetricRecord } from '../../src/query/reader.js';
import { readMetrics } from '../../src/query/reader.js';
import type { GeneratedRecord } from '../fixtures/metrics-data.js';
import { encode, generateRecords } from '../fixtures/metrics-data.js';
import { writeLogs } from '../fixtures/write-logs.js';

async function collect(iterable: AsyncIterable<MetricRecord>): Promise<MetricRecord[]> {
  const out: MetricRecord[] = [];
  for await (const record of iterable) out.push(record);
  return out;
}

describe('readMetrics()', () => {
  let dir: string;
  let records: GeneratedRecord[];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perflog-reader-'));
    ({ records } = await writeLogs(join(dir, 'logs'), 20_000, { gzip: true, extraLines: 'garbage\n{"timestamp":1764000000,"metr' }));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('streams active, rotated and .gz files, by file then line, counting bad lines', async () => {
    const reader = readMetrics({ baseDir: dir });
    const read = await collect(reader);
    expect(read).to.have.length(records.length);
    expect(reader.stats).to.deep.equal({ linesRead: records.length + 2, badLines: 2, files: 8 });
    // Per module: the rotated (older) half first, then the active file, each in line order: generation order.
    const byModule = (list: readonly Record<string, unknown>[], module: string) => list.filter((r) => r['module'] === module);
    for (const module of ['checkpoint', 'llm', 'tool', 'workflow']) expect(byModule(read, module)).to.deep.equal(byModule(records, module));
    const modules = read.map((r) => r.module).filter((m, i, all) => m !== all[i - 1]);
    expect(modules).to.deep.equal(['checkpoint', 'llm', 'tool', 'workflow']);
  });

  it('filters by module, operation, time window and any field while streaming', async () => {
    const since = records[5_000]!['timestamp'] as number;
    const until = records[15_000]!['timestamp'] as number;
    const read = await collect(readMetrics({ baseDir: dir, module: 'tool', operation: 'tool_call', since, until: String(until), where: { tool: 'sql' } }));
    const expected = records.filter((r) => r['module'] === 'tool' && r['operation'] === 'tool_call' && r['tool'] === 'sql'
      && (r['timestamp'] as number) >= since && (r['timestamp'] as number) < until);
    expect(read).to.deep.equal(expected);
    expect(expected.length).to.be.greaterThan(100);
  });

  it('takes relative spans, ISO strings and Dates for since and until', async () => {
    const recent = join(dir, 'recent');
    await mkdir(recent);
    const now = Date.now();
    const lines = [now - 3 * 86400e3, now - 2 * 3600e3, now - 30 * 60e3, now - 30e3]
      .map((ms) => encode({ timestamp: ms / 1000, metric_type: 'timer', operation: 'op', duration: 0.1, success: true, module: 'm' }));
    await writeFile(join(recent, 'm_metrics.log'), `${lines.join('\n')}\n`);
    const count = async (options: object): Promise<number> => (await collect(readMetrics({ baseDir: recent, patterns: ['*.log'], ...options }))).length;
    expect(await count({ since: '7d' })).to.equal(4);
    expect(await count({ since: '24h' })).to.equal(3);
    expect(await count({ since: '1h' })).to.equal(2);
    expect(await count({ since: '45m', until: '10s' })).to.equal(2);
    expect(await count({ since: '90s' })).to.equal(1);
    expect(await count({ since: new Date(now - 86400e3).toISOString() })).to.equal(3);
    expect(await count({ until: new Date(now - 86400e3) })).to.equal(1);
    expect(await count({ since: (now - 86400e3) / 1000 })).to.equal(3);
  });

  it('throws a PerflogConfigError naming the option and the accepted forms for a bad bound', () => {
    for (const bad of ['yesterday', '24 hours', '7w', '', new Date(Number.NaN), Number.NaN]) {
      expect(() => readMetrics({ since: bad })).to.throw(PerflogConfigError, /^since must be a Date, epoch seconds, an ISO 8601 .*"24h", "7d"/);
    }
    expect(() => readMetrics({ until: 'later' })).to.throw(PerflogConfigError, /^until must be/);
  });

  it('hands out records in order to next() calls made before the last one settled, then done', async () => {
    const expected = await collect(readMetrics({ baseDir: dir }));
    const iterator = readMetrics({ baseDir: dir })[Symbol.asyncIterator]();
    const results = await Promise.all(Array.from({ length: expected.length + 3 }, () => iterator.next()));
    expect(results.slice(0, expected.length).map((r) => r.value as unknown)).to.deep.equal(expected);
    expect(results.slice(expected.length).map((r) => r.done)).to.deep.equal([true, true, true]);
  });

  it('closes the file it reads when the loop breaks early', async () => {
    const openFiles = (): number => readdirSync('/proc/self/fd').length;
    const before = openFiles();
    let during = 0;
    for await (const record of readMetrics({ baseDir: dir, patterns: ['logs/*.log'] })) {
      expect(record.module).to.be.a('string');
      during = openFiles();
      break;
    }
    expect(during).to.be.greaterThan(before);
    expect(openFiles()).to.equal(before);
  });

  it('never builds a prototype from a line: "__proto__" stays a plain key', async () => {
    const odd = join(dir, 'odd');
    await mkdir(odd);
    await writeFile(join(odd, 'x_metrics.log'), [
      '{"timestamp":1,"operation":"o","module":"m","__proto__":{"polluted":true}}',
      '{"timestamp":2,"operation":"o","module":"m","__proto__":"x"}',
      '{"timestamp":3,"operation":"o","module":"m","constructor":1,"nested":{"__proto__":{"polluted":true}}}',
    ].join('\n'));
    const read = await collect(readMetrics({ baseDir: odd, patterns: ['*.log'] }));
    expect(read).to.have.length(3);
    for (const record of read) expect(Object.getPrototypeOf(record)).to.equal(Object.prototype);
    expect(Object.hasOwn(read[1]!, '__proto__')).to.equal(true);
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
  });

  it('counts a corrupt .gz as one bad line, reads nothing when no file matches', async () => {
    const broken = join(dir, 'broken');
    await mkdir(broken);
    const gz = gzipSync('{"timestamp":1,"operation":"o","module":"m"}\n'.repeat(1000));
    await writeFile(join(broken, 'm_metrics.log.1.gz'), gz.subarray(0, gz.length - 30));
    const reader = readMetrics({ baseDir: broken, patterns: ['*.gz'] });
    await collect(reader);
    expect(reader.stats.badLines).to.be.at.least(1);
    const none = readMetrics({ baseDir: broken, patterns: ['nothing/*.log'] });
    expect(await collect(none)).to.deep.equal([]);
    expect(none.stats).to.deep.equal({ linesRead: 0, badLines: 0, files: 0 });
  });
});

describe('files', () => {
  it('readChunks() hands out whole lines across blocks, and a line over MAX_LINE_BYTES as an empty (bad) line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perflog-long-'));
    try {
      const file = join(dir, 'a.log');
      const lines = [10, 70_000, 3_500_000, 5, 1_048_470, 1_048_580, 20].map((n, i) => encode({ timestamp: i, operation: 'o', module: 'm', note: 'x'.repeat(n) }));
      await writeFile(file, `${lines.join('\n')}\n`);
      const read: string[] = [];
      await readChunks({ path: file, start: 0, end: Infinity, gzip: false }, (chunk) => {
        expect(chunk[chunk.length - 1]).to.equal(10);
        splitLines(chunk, (buf, s, e) => { read.push(buf.toString('utf8', s, e)); });
      });
      expect(read).to.deep.equal(lines.map((line) => (Buffer.byteLength(line) > MAX_LINE_BYTES ? '' : line)));
      expect(read.filter((line) => line === '')).to.have.length(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('splitFile() cuts on line boundaries: the ranges hold every line once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perflog-split-'));
    try {
      const file = join(dir, 'a.log');
      let text = '';
      for (const { line } of generateRecords(5_000)) text += line;
      await writeFile(file, text);
      const tasks = await splitFile(file, Buffer.byteLength(text), 7);
      expect(tasks).to.have.length(7);
      const lines: string[] = [];
      for (const task of tasks) await readChunks(task, (chunk) => splitLines(chunk, (buf, s, e) => { lines.push(buf.toString('utf8', s, e)); }));
      expect(lines).to.deep.equal((await readFile(file, 'utf8')).trimEnd().split('\n'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('a line longer than MAX_LINE_BYTES', () => {
    const RECORD = '{"timestamp":1764000000,"metric_type":"timer","operation":"op","duration":0.25,"module":"m"}\n';
    let dir: string;
    beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'perflog-overlong-')); });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    /** Writes RECORD, a line of `mb` MiB without a newline until its end, RECORD; gzip-compressed or plain. */
    async function writeLongLine(path: string, mb: number, gzip: boolean): Promise<void> {
      const input = Readable.from((function* () {
        yield Buffer.from(RECORD);
        for (let i = 0; i < mb; i++) yield Buffer.alloc(1 << 20, 'a');
        yield Buffer.from(`\n${RECORD}`);
      })());
      if (gzip) await pipeline(input, createGzip({ level: 1 }), createWriteStream(path));
      else await pipeline(input, createWriteStream(path));
    }

    it('is one bad line and the lines around it are read, plain and .gz alike', async () => {
      await writeLongLine(join(dir, 'long.log'), 3, false);
      await writeLongLine(join(dir, 'long.log.1.gz'), 3, true);
      for (const pattern of ['long.log', 'long.log.1.gz']) {
        const reader = readMetrics({ baseDir: dir, patterns: [pattern] });
        expect((await collect(reader)).map((r) => r.operation), pattern).to.deep.equal(['op', 'op']);
        expect(reader.stats, pattern).to.include({ linesRead: 3, badLines: 1 });
        const result = await queryMetrics({ baseDir: dir, patterns: [pattern] });
        expect(result, pattern).to.include({ linesRead: 3, badLines: 1 });
        expect(result.rows[0]!.count).to.equal(2);
      }
      // A line of exactly MAX_LINE_BYTES is still read.
      await writeFile(join(dir, 'edge.log'), `${RECORD.slice(0, -1).padEnd(MAX_LINE_BYTES, ' ')}\n${RECORD}`);
      expect(await queryMetrics({ baseDir: dir, patterns: ['edge.log'] })).to.include({ linesRead: 2, badLines: 0 });
    });

    it('costs no memory that grows with its length: .gz of 8 MiB and 160 MiB without a newline, peak RSS apart by < half the difference', async function () {
      this.timeout(120_000);
      await writeLongLine(join(dir, 'small.gz'), 8, true);
      await writeLongLine(join(dir, 'big.gz'), 160, true);
      const fixture = join(import.meta.dirname, '../fixtures/query-rss.ts');
      const measure = (file: string): { badLines: number; count: number; maxRssKb: number } => {
        const child = spawnSync(process.execPath, ['--import', 'tsx', fixture, join(dir, file)], { encoding: 'utf8' });
        expect(child.status, child.stderr).to.equal(0);
        return JSON.parse(child.stdout) as { badLines: number; count: number; maxRssKb: number };
      };
      const small = measure('small.gz');
      const big = measure('big.gz');
      expect([small.badLines, small.count, big.badLines, big.count]).to.deep.equal([1, 2, 1, 2]);
      // Keeping the line costs >= 152 MiB more for the big file (it was kept, and copied on every chunk: quadratic).
      // Freed chunks the GC has not yet returned make tens of MiB of noise, not growing with the length.
      expect(big.maxRssKb - small.maxRssKb).to.be.below(76 * 1024);
    });
  });
});
