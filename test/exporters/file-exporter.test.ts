import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { FileExporter } from '../../src/exporters/file-exporter.js';
import { OpenFiles } from '../../src/exporters/open-files.js';
import { PerformanceMonitorFactory } from '../../src/index.js';
import type { PerflogError } from '../../src/errors.js';
import { PerflogWriteError } from '../../src/errors.js';
import { newStats } from '../../src/pipeline.js';
import type { ExitMode } from '../fixtures/file-writer.js';
import { deadPid, readRecords, runWriter, seqsInOrder, waitFor } from '../fixtures/log-files.js';
import { fixture, runNode } from '../helpers/files.js';

const LIMITED_WRITER = fileURLToPath(new URL('../fixtures/limited-writer.ts', import.meta.url));
const ROTATED = /^app_metrics\.log\.\d{4}-\d{2}-\d{2}(T\d{2})?\.\d{3,}$/;
const line = (seq: number, pad = ''): string => `{"pid":${process.pid},"thread":0,"seq":${seq}${pad}}\n`;

describe('FileExporter', () => {
  let baseDir: string;
  let logDir: string;
  let path: string;
  beforeEach(async () => {
    baseDir = await mkdtemp(join(tmpdir(), 'perflog-files-'));
    logDir = join(baseDir, 'logs');
    path = join(logDir, 'app_metrics.log');
  });
  afterEach(async () => {
    spawnSync('chattr', ['-i', logDir]);
    await rm(baseDir, { recursive: true, force: true });
  });

  /** An exporter with its own counters and collected reports. */
  function exporter(options: { maxBytes?: number; rotateInterval?: 'none' | 'hourly' | 'daily'; now?: () => number } = {}) {
    const stats = newStats();
    const reports: Error[] = [];
    const file = new FileExporter({ path, sync: false, stats, openFiles: new OpenFiles(), report: (error) => reports.push(error), ...options });
    return { file, stats, reports };
  }

  describe('rotation', () => {
    it('rotates by size into time-sortable files, never splitting a line', () => {
      const { file, stats } = exporter({ maxBytes: 1000 });
      for (let seq = 0; seq < 500; seq++) {
        file.write(line(seq, ',"payload":"xxxxxxxxxx"'));
        if (seq % 7 === 6) file.flushSync();
      }
      file.close();
      const { files, records } = readRecords(logDir, 'app');
      expect(files.length).to.be.greaterThan(20);
      for (const name of files.slice(0, -1)) {
        expect(name).to.match(ROTATED);
        expect(statSync(join(logDir, name)).size).to.be.at.most(1000);
      }
      expect(seqsInOrder(records).get(`${process.pid}/0`)).to.equal(500);
      expect(stats).to.include({ writeErrors: 0, recordsDropped: 0 });
    });

    it('rotates on the first write after a UTC day boundary, under the old day\'s date', () => {
      let nowMs = Date.parse('2026-11-25T23:59:59.900Z');
      const { file } = exporter({ rotateInterval: 'daily', now: () => nowMs });
      file.write(line(0));
      file.flushSync();
      nowMs = Date.parse('2026-11-26T00:00:00.100Z');
      file.write(line(1));
      file.flushSync();
      nowMs = Date.parse('2026-11-26T23:00:00.000Z');
      file.write(line(2));
      file.flushSync();
      nowMs = Date.parse('2026-11-28T01:00:00.000Z'); // a day with no write at all in between
      file.write(line(3));
      file.close();
      expect(readdirSync(logDir).sort()).to.deep.equal(['app_metrics.log', 'app_metrics.log.2026-11-25.001', 'app_metrics.log.2026-11-26.001']);
      expect(readRecords(logDir, 'app').records.map((r) => r.seq)).to.deep.equal([0, 1, 2, 3]);
      expect(readFileSync(path, 'utf8')).to.equal(line(3));
    });

    it('rotates hourly at UTC hour boundaries', () => {
      let nowMs = Date.parse('2026-11-25T13:59:59.999Z');
      const { file } = exporter({ rotateInterval: 'hourly', now: () => nowMs });
      file.write(line(0));
      file.flushSync();
      nowMs += 1;
      file.write(line(1));
      file.close();
      expect(readdirSync(logDir).sort()).to.deep.equal(['app_metrics.log', 'app_metrics.log.2026-11-25T13.001']);
    });

    it('rotates a file left from an earlier day before adding to it', async () => {
      await mkdir(logDir);
      await writeFile(path, line(0));
      const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
      await utimes(path, twoDaysAgo, twoDaysAgo);
      const { file } = exporter({ rotateInterval: 'daily' });
      file.write(line(1));
      file.close();
      const old = `app_metrics.log.${twoDaysAgo.toISOString().slice(0, 10)}.001`;
      expect(readdirSync(logDir).sort()).to.deep.equal(['app_metrics.log', old]);
      expect(readFileSync(join(logDir, old), 'utf8')).to.equal(line(0));
      expect(readFileSync(path, 'utf8')).to.equal(line(1));
    });

    it('waits while a live writer holds the lock, and takes over a dead writer\'s or an old lock', async () => {
      await mkdir(logDir);
      const lock = join(logDir, '.app_metrics.log.lock');
      const { file } = exporter({ maxBytes: 100 });
      await writeFile(lock, `${process.pid} 99 ${hostname()} live\n`);
      for (let seq = 0; seq < 3; seq++) {
        file.write(line(seq, ',"payload":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"'));
        file.flushSync();
      }
      expect(readdirSync(logDir).filter((name) => ROTATED.test(name))).to.have.length(0);
      await writeFile(lock, `${deadPid()} 0 ${hostname()} dead\n`);
      file.write(line(3));
      file.flushSync();
      expect(readdirSync(logDir).filter((name) => ROTATED.test(name))).to.have.length(1);
      await writeFile(lock, '1 0 some-other-host old\n');
      const aMinuteAgo = new Date(Date.now() - 60_000);
      await utimes(lock, aMinuteAgo, aMinuteAgo);
      file.write(line(4, ',"payload":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"'));
      file.flushSync();
      file.write(line(5));
      file.close();
      expect(readdirSync(logDir).filter((name) => ROTATED.test(name))).to.have.length(3);
      expect(existsSync(lock)).to.equal(false);
      expect(seqsInOrder(readRecords(logDir, 'app').records).get(`${process.pid}/0`)).to.equal(6);
    });

    it('publishes a file left by a writer that died in the middle of a rotation', async () => {
      await mkdir(logDir);
      await writeFile(join(logDir, `.app_metrics.log.rotating-${deadPid()}-0-1`), line(0));
      await writeFile(path, line(1));
      const { file } = exporter({ maxBytes: 30 });
      file.write(line(2));
      file.close();
      const { files, records } = readRecords(logDir, 'app');
      expect(files).to.have.length(3);
      expect(records.map((r) => r.seq)).to.deep.equal([0, 1, 2]);
      expect(readdirSync(logDir).filter((name) => name.startsWith('.'))).to.deep.equal([]);
    });
  });

  describe('file descriptors', () => {
    it('keeps at most MAX_OPEN_FILES descriptors per thread, so an app with 500 modules in 4 factories under ulimit -n 128 can still open files', function () {
      this.timeout(60_000);
      // 4 factories x 32 descriptors would exhaust the limit: the budget is the thread's, shared by its factories
      const args = JSON.stringify({ baseDir, modules: 500, appFiles: 40, factories: 4 });
      const child = spawnSync('bash', ['-c', 'ulimit -n 128 && exec "$@"', 'bash', process.execPath, '--import', 'tsx', fixture('many-modules.ts'), args], { encoding: 'utf8' });
      expect(child.status, child.stderr).to.equal(0);
      const result = JSON.parse(child.stdout) as { stats: Record<string, number>; opened: number; error?: string };
      expect(result.error).to.equal(undefined);
      expect(result.opened).to.equal(40);
      expect(result.stats).to.include({ recordsWritten: 1000, writeErrors: 0, recordsDropped: 0 });
      for (const m of [0, 250, 499]) expect([...seqsInOrder(readRecords(logDir, `m${m}`).records).values()]).to.deep.equal([2]);
    });
  });

  describe('long module names', () => {
    it('keeps every name within 255 bytes and rotates a 230-character module\'s file', async () => {
      const module = 'm'.repeat(229) + 'é';
      const made = new PerformanceMonitorFactory({ baseDir, cleanup: { enabled: false }, file: { fileName: 'métriques_{module}.log', maxSizeMb: 0.01 } });
      const writer = made.getWriter(module);
      for (let seq = 0; seq < 400; seq++) {
        writer.logCounter('write', 1, { pid: process.pid, thread: 0, seq, payload: 'x'.repeat(60) });
        if (seq % 50 === 49) await made.flush();
      }
      await made.shutdown();
      const names = readdirSync(logDir);
      expect(names.length).to.be.greaterThan(3);
      for (const name of names) expect(Buffer.byteLength(name), name).to.be.at.most(255);
      const active = names.find((name) => name.endsWith('.log'))!;
      expect(active).to.match(/^métriques_m+-[0-9a-f]{16}\.log$/);
      const lines = names.flatMap((name) => readFileSync(join(logDir, name), 'utf8').split('\n').slice(0, -1));
      expect(lines).to.have.length(400);
      expect(made.stats()).to.include({ writeErrors: 0, recordsDropped: 0 });
    });
  });

  describe('many processes', () => {
    it('keeps every line of 4 processes x 50,000 records whole and once across many rotations', async function () {
      this.timeout(120_000);
      const children = await Promise.all([0, 1, 2, 3].map(() => runWriter({ baseDir, module: 'app', count: 50_000, exit: 'natural', maxSizeMb: 0.5 })));
      for (const child of children) expect(child.code, child.stderr).to.equal(0);
      const { files, records } = readRecords(logDir, 'app');
      expect(records).to.have.length(200_000);
      const pairs = new Set(records.map((r) => `${r.pid}/${r.seq}`));
      expect(pairs.size).to.equal(200_000);
      const perWriter = seqsInOrder(records); // each writer's lines appear in its own order, file after file
      expect([...perWriter.values()]).to.deep.equal([50_000, 50_000, 50_000, 50_000]);
      expect(new Set(records.map((r) => r.pid))).to.deep.equal(new Set(children.map((c) => c.pid)));
      expect(files.length).to.be.greaterThan(20);
      for (const name of files.slice(0, -1)) expect(name).to.match(ROTATED);
      expect((await readdir(logDir)).filter((name) => name.startsWith('.'))).to.deep.equal([]);
    });

    it('keeps every line of worker threads sharing one file with rotation', async function () {
      this.timeout(60_000);
      const child = await runWriter({ baseDir, module: 'app', count: 5000, exit: 'natural', maxSizeMb: 0.1, threads: 2 });
      expect(child.code, child.stderr).to.equal(0);
      const perWriter = seqsInOrder(readRecords(logDir, 'app').records);
      expect([...perWriter.values()]).to.deep.equal([5000, 5000, 5000]);
    });
  });

  describe('exits and crashes', () => {
    const exits: Array<[ExitMode, number]> = [['natural', 0], ['exit', 0], ['uncaught', 1], ['rejection', 1], ['sigterm', 0]];
    for (const [exit, code] of exits) {
      it(`keeps every buffered record when the process ends by ${exit}`, async () => {
        const child = await runWriter({ baseDir, module: 'app', count: 3000, exit }, (proc) => {
          proc.stdout!.on('data', (chunk: Buffer) => {
            if (chunk.toString().includes('ready')) proc.kill('SIGTERM');
          });
        });
        expect(child.code, child.stderr).to.equal(code);
        expect([...seqsInOrder(readRecords(logDir, 'app').records).values()]).to.deep.equal([3000]);
      });
    }

    for (const end of ['exit', 'terminate'] as const) {
      it(`keeps every record of worker threads when the main thread ends them by ${end}`, async () => {
        const child = await runNode(fixture('worker-exit.ts'), [JSON.stringify({ baseDir, workers: 2, count: 300, end })]);
        expect(child.code, child.stderr).to.equal(0);
        expect([...seqsInOrder(readRecords(logDir, 'app').records).values()]).to.deep.equal([300, 300]);
      });
    }

    it('flushes every module at exit before an onError that calls process.exit() hears of a failed one', async () => {
      await mkdir(logDir);
      await symlink('/dev/full', join(logDir, 'broken_metrics.log'));
      const child = await runNode(fixture('exit-on-error.ts'), [JSON.stringify({ baseDir, count: 100 })]);
      expect(child.code, child.stderr).to.equal(3);
      expect([...seqsInOrder(readRecords(logDir, 'app').records).values()]).to.deep.equal([100]);
    });

    for (const sync of [false, true]) {
      it(`leaves no torn line before the last after SIGKILL mid-stream (sync: ${sync})`, async function () {
        this.timeout(60_000);
        const child = await runWriter({ baseDir, module: 'app', count: 0, exit: 'stream', sync }, (proc) => {
          void waitFor(() => existsSync(path) && statSync(path).size > 1_000_000).then(() => proc.kill('SIGKILL'));
        });
        expect(child.signal).to.equal('SIGKILL');
        const lines = readFileSync(path, 'utf8').split('\n');
        lines.pop(); // the final line: complete (then empty here) or torn by the kill
        const seqs = lines.map((text) => (JSON.parse(text) as { seq: number }).seq);
        expect(seqs.length).to.be.greaterThan(1000);
        expect(seqs.every((seq, i) => seq === i)).to.equal(true);
      });
    }
  });

  describe('disk faults', () => {
    /** A factory writing `app` records into `logDir`, with its reports collected. */
    function factory(dir = logDir) {
      const errors: PerflogError[] = [];
      const made = new PerformanceMonitorFactory({ baseDir, logDir: dir, onError: (error) => errors.push(error) });
      const writer = made.getWriter('app');
      let seq = 0;
      const record = async (count: number): Promise<void> => {
        for (let i = 0; i < count; i++) writer.logCounter('write', 1, { pid: process.pid, thread: 0, seq: seq++ });
        await made.flush();
      };
      return { made, errors, record };
    }
    const seqsIn = (file: string): number[] =>
      readFileSync(file, 'utf8').split('\n').filter(Boolean).map((text) => (JSON.parse(text) as { seq: number }).seq);

    it('counts and reports (rate-limited) writes to a full disk, then recovers', async () => {
      await mkdir(logDir);
      await symlink('/dev/full', path);
      const { made, errors, record } = factory();
      await record(10);
      expect(made.stats()).to.include({ recordsWritten: 10, recordsDropped: 10, writeErrors: 1 });
      expect(errors[0]).to.be.instanceOf(PerflogWriteError);
      expect(errors[0]!.message).to.include('ENOSPC');
      for (let i = 0; i < 20; i++) await record(1);
      expect(made.stats()).to.include({ recordsDropped: 30, writeErrors: 21 });
      expect(errors.length).to.be.lessThan(21);
      await unlink(path);
      await record(5);
      expect(made.stats()).to.include({ writeErrors: 21, recordsWritten: 35 });
      expect(seqsIn(path)).to.deep.equal([30, 31, 32, 33, 34]);
      await made.shutdown();
    });

    it('keeps the lines before a write the disk cut short, and closes the torn one before writing on', async function () {
      if (spawnSync('prlimit', ['--version']).status !== 0) this.skip(); // util-linux's prlimit: a soft file size limit, lifted midway
      const limit = 20_000;
      const stats: Array<{ recordsWritten: number; recordsDropped: number; writeErrors: number }> = [];
      const child = spawn('prlimit', [`--fsize=${limit}:unlimited`, process.execPath, '--import', 'tsx', LIMITED_WRITER, JSON.stringify({ baseDir, count: 500 })]);
      child.stdout.on('data', (chunk: Buffer) => {
        for (const text of chunk.toString().split('\n').filter(Boolean)) stats.push(JSON.parse(text) as (typeof stats)[0]);
        if (stats.length === 1) {
          spawnSync('prlimit', ['--pid', String(child.pid), '--fsize=unlimited:unlimited']);
          child.stdin.write('go on\n');
        }
      });
      const [code] = (await once(child, 'exit')) as [number];
      expect(code).to.equal(0);
      const lines = readFileSync(path, 'utf8').split('\n');
      expect(lines.pop()).to.equal('');
      const torn = lines.findIndex((text) => !text.endsWith('}'));
      expect(lines.slice(0, torn).map((text) => (JSON.parse(text) as { seq: number }).seq)).to.deep.equal([...Array(torn).keys()]);
      expect(lines.slice(torn + 1).map((text) => (JSON.parse(text) as { seq: number }).seq)).to.deep.equal([...Array(10).keys()].map((i) => 500 + i));
      expect(lines.slice(0, torn + 1).join('\n').length).to.equal(limit); // the fragment ends exactly at the limit
      expect(stats[0]).to.include({ recordsWritten: 500, recordsDropped: 500 - torn });
      expect(stats[0]!.writeErrors).to.be.greaterThan(0);
      expect(stats[1]).to.include({ recordsWritten: 510, recordsDropped: 500 - torn, writeErrors: stats[0]!.writeErrors });
    });

    it('counts writes into a read-only directory, then recovers once it is writable', async function () {
      await mkdir(logDir);
      if (spawnSync('chattr', ['+i', logDir]).status !== 0) this.skip(); // needs chattr on ext4-like file systems
      const { made, errors, record } = factory();
      await record(3);
      expect(made.stats()).to.include({ recordsDropped: 3, writeErrors: 1 });
      expect(errors[0]!.message).to.match(/EPERM|EACCES|EROFS/);
      spawnSync('chattr', ['-i', logDir]);
      await record(2);
      expect(seqsIn(path)).to.deep.equal([3, 4]);
      await made.shutdown();
    });

    it('keeps writing when a rotation fails in a read-only directory, and reports it', async function () {
      await mkdir(logDir);
      await writeFile(path, line(0));
      if (spawnSync('chattr', ['+i', logDir]).status !== 0) this.skip();
      const { file, stats, reports } = exporter({ maxBytes: 10 }); // every flush wants a rotation
      for (let seq = 1; seq < 4; seq++) {
        file.write(line(seq));
        file.flushSync();
      }
      file.close();
      expect(readFileSync(path, 'utf8')).to.equal([0, 1, 2, 3].map((seq) => line(seq)).join(''));
      expect(stats).to.include({ writeErrors: 0, recordsDropped: 0 });
      expect(reports[0]).to.be.instanceOf(PerflogWriteError);
      expect(reports[0]!.message).to.include('could not rotate');
      expect((reports[0] as PerflogWriteError).records).to.equal(0);
    });

    it('counts writes under a path component that is a file, then recreates the directory', async () => {
      const blocker = join(baseDir, 'blocker');
      await writeFile(blocker, 'not a directory');
      const dir = join(blocker, 'logs');
      const { made, errors, record } = factory(dir);
      await record(4);
      expect(made.stats()).to.include({ recordsDropped: 4, writeErrors: 1 });
      expect(errors[0]!.message).to.include('ENOTDIR');
      await rm(blocker);
      await record(1);
      expect(seqsIn(join(dir, 'app_metrics.log'))).to.deep.equal([4]);
      await made.shutdown();
    });

    it('recreates the log directory when it is deleted while the app runs, losing nothing', async () => {
      const { made, record } = factory();
      await record(3);
      await rm(logDir, { recursive: true });
      await record(3);
      expect(seqsIn(path)).to.deep.equal([3, 4, 5]);
      expect(made.stats()).to.include({ writeErrors: 0, recordsDropped: 0 });
      await made.shutdown();
    });

    it('counts writes while the log directory is replaced by a file, then recovers', async () => {
      const { made, record } = factory();
      await record(3);
      await rm(logDir, { recursive: true });
      await writeFile(logDir, 'a file where the directory was');
      await record(2);
      expect(made.stats()).to.include({ writeErrors: 1, recordsDropped: 2 });
      await rm(logDir);
      await record(1);
      expect(seqsIn(path)).to.deep.equal([5]);
      await made.shutdown();
    });

    it('recreates the active file deleted under a worker thread (checked every few ms, not per record)', async () => {
      const child = await runNode(fixture('worker-follow.ts'), [JSON.stringify({ baseDir })]);
      expect(child.code, child.stderr).to.equal(0);
      expect(seqsIn(path)).to.deep.equal([2, 3]);
    });

    it('recreates the active file when someone else deletes it', async () => {
      const { made, record } = factory();
      await record(2);
      await unlink(path);
      await record(2);
      expect(seqsIn(path)).to.deep.equal([2, 3]);
      expect(made.stats()).to.include({ writeErrors: 0, recordsDropped: 0 });
      await made.shutdown();
    });

    it('never throws into the app when the log directory can never be written', async () => {
      const { made, record } = factory('/proc/perflog-cannot-exist/logs');
      await record(5);
      expect(made.stats()).to.include({ recordsWritten: 5, recordsDropped: 5, writeErrors: 1 });
      await made.shutdown();
    });
  });
});
