import { expect } from 'chai';
import fc from 'fast-check';
import fg from 'fast-glob';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { chmod, lstat, lutimes, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_CLEANUP_CONFIG, LogCleaner, PerflogConfigError, PerformanceMonitorFactory,
} from '../src/index.js';
import type { CleanupResult, MetricLogWriter } from '../src/index.js';
import { age, fixture, runNode, snapshot, startNode, writeFileAged } from './helpers/files.js';

const DAY_MS = 86_400_000;

describe('LogCleaner', () => {
  let baseDir: string;
  let outside: string;
  let recordsDir: string;
  let records: PerformanceMonitorFactory;
  let writer: MetricLogWriter;

  beforeEach(async () => {
    baseDir = await mkdtemp(join(tmpdir(), 'perflog-'));
    outside = await mkdtemp(join(tmpdir(), 'perflog-outside-'));
    recordsDir = await mkdtemp(join(tmpdir(), 'perflog-records-'));
    // the cleaner's own records go to a separate folder so they never change the tree under test
    records = new PerformanceMonitorFactory({ baseDir: recordsDir, cleanup: { enabled: false }, file: { sync: true } });
    writer = records.getWriter('log_cleaner');
  });

  afterEach(async () => {
    await records.shutdown();
    await Promise.all([baseDir, outside, recordsDir].map((dir) => rm(dir, { recursive: true, force: true })));
  });

  const cleaner = (config: Partial<typeof DEFAULT_CLEANUP_CONFIG> = {}) =>
    new LogCleaner({ ...DEFAULT_CLEANUP_CONFIG, ...config }, { baseDir, writer });

  describe('constructor', () => {
    for (const pattern of ['../logs/*.log', 'logs/../../x.log', '/var/log/*.log', '~/logs/*.log', 'C:/logs/*.log', '']) {
      it(`rejects the pattern ${JSON.stringify(pattern)}, which escapes the base directory`, () => {
        expect(() => new LogCleaner({ logPatterns: [pattern] }, { baseDir })).to.throw(PerflogConfigError, /logPatterns/);
      });
    }

    it('rejects a non-positive retention and an interval a timer cannot hold', () => {
      expect(() => new LogCleaner({ retentionDays: 0 }, { baseDir })).to.throw(PerflogConfigError, /retentionDays must be a number > 0/);
      expect(() => new LogCleaner({ checkIntervalHours: 597 }, { baseDir })).to.throw(PerflogConfigError, /checkIntervalHours/);
    });

    it('merges the config over the defaults and freezes it', () => {
      const built = new LogCleaner({ retentionDays: 7 }, { baseDir });
      expect(built.config).to.deep.equal({ ...DEFAULT_CLEANUP_CONFIG, retentionDays: 7 });
      expect(Object.isFrozen(built.config)).to.equal(true);
    });
  });

  describe('cleanupLogs()', () => {
    it('deletes expired files but never a symlink, even to an expired file', async () => {
      const expired = await writeFileAged(baseDir, 'logs/app_metrics.log.1', { days: 40 });
      await symlink(expired, join(baseDir, 'logs/latest.log'));
      const result = await cleaner({ retentionDays: 30 }).cleanupLogs();
      expect(result).to.include({ filesDeleted: 1, errors: 0 });
      expect((await lstat(join(baseDir, 'logs/latest.log'))).isSymbolicLink()).to.equal(true);
    });

    it('agrees file for file between the dry run and the real run on a mixed tree, and touches nothing else', async () => {
      const patterns = ['logs/**/*.log', 'logs/**/*.log.*'];
      const expected = new Map<string, number>(); // expired, matching, deletable -> size
      const add = async (rel: string, days: number, size: number, deletable: boolean) => {
        await writeFileAged(baseDir, rel, { days, content: 'y'.repeat(size) });
        if (deletable) expected.set(rel, size);
      };
      await add('logs/app_metrics.log.2026-01-01.1', 40, 1000, true);
      await add('logs/llm_metrics.log', 31, 2048, true);
      await add('logs/deep/nested/old.log', 365, 10, true);
      await add('logs/readonly.log', 45, 77, true);
      await chmod(join(baseDir, 'logs/readonly.log'), 0o444); // like rm -f and find -delete: the folder's mode decides
      await add('logs/fresh.log', 29, 500, false);
      await add('logs/deep/fresh.log.1', 1, 500, false);
      await add('logs/old.txt', 400, 300, false); // expired but not matching
      await add('other/old.log', 400, 300, false); // expired, outside the patterns' folders
      await add('logs/.hidden.log', 400, 300, false); // dot files are not matched by *
      await mkdir(join(baseDir, 'logs/dir.log')); // a folder matching the pattern is not a file
      // a symlink (itself old) to an expired file outside the base directory
      const target = await writeFileAged(outside, 'victim.log', { days: 400 });
      await symlink(target, join(baseDir, 'logs/victim.log'));
      await lutimes(join(baseDir, 'logs/victim.log'), new Date(Date.now() - 400 * DAY_MS), new Date(Date.now() - 400 * DAY_MS));
      // a symlinked folder full of expired files (outside): never followed
      await writeFileAged(outside, 'linked/old.log', { days: 400 });
      await symlink(join(outside, 'linked'), join(baseDir, 'logs/linked'));
      // the active file of a running writer, old by mtime, is never deleted
      const app = new PerformanceMonitorFactory({ baseDir, cleanup: { enabled: false }, file: { sync: true } });
      app.createMonitor('tool').recordToolCall({ tool: 'search', duration: 0.1 });
      const active = join(baseDir, 'logs/tool_metrics.log');
      await age(active, 100);
      try {
        const before = await snapshot(baseDir);
        const outsideBefore = await snapshot(outside);
        const dry = await cleaner({ logPatterns: patterns, dryRun: true }).cleanupLogs();
        expect(await snapshot(baseDir)).to.deep.equal(before);
        const real = await cleaner({ logPatterns: patterns }).cleanupLogs();
        const bytes = [...expected.values()].reduce((a, b) => a + b, 0);
        const common = { filesDeleted: expected.size, bytesFreed: bytes, errors: 0, filesMatched: 8, filesSkipped: 2 };
        expect(dry).to.include({ ...common, dryRun: true });
        expect(real).to.include({ ...common, dryRun: false });
        const after = await snapshot(baseDir);
        const removed = [...before.keys()].filter((rel) => !after.has(rel)).sort();
        expect(removed).to.deep.equal([...expected.keys()].sort());
        for (const [rel, line] of after) expect(before.get(rel), rel).to.equal(line);
        expect(await snapshot(outside)).to.deep.equal(outsideBefore);
      } finally {
        await app.shutdown();
      }
    });

    it('counts a file matched by two patterns once, whether their folders are the same or nested', async () => {
      await writeFileAged(baseDir, 'logs/sub/a.log', { days: 40 });
      await writeFileAged(baseDir, 'logs/b.log', { days: 40 });
      for (const logPatterns of [['logs/*.log', 'logs/b.*'], ['logs/**/*.log', 'logs/sub/*.log', 'logs/sub/a.log']]) {
        const dry = await cleaner({ logPatterns, dryRun: true }).cleanupLogs();
        expect(dry, logPatterns.join(' ')).to.include({ filesMatched: logPatterns.length === 2 ? 1 : 2 });
      }
      const real = await cleaner({ logPatterns: ['logs/**/*.log', 'logs/sub/*.log'] }).cleanupLogs();
      expect(real).to.include({ filesMatched: 2, filesDeleted: 2, errors: 0 });
    });

    it('skips files whose folder resolves outside the base directory (a symlinked log folder)', async () => {
      await writeFileAged(outside, 'real-logs/old_metrics.log', { days: 40 });
      await symlink(join(outside, 'real-logs'), join(baseDir, 'logs'));
      const result = await cleaner().cleanupLogs();
      expect(result).to.include({ filesMatched: 1, filesDeleted: 0, filesSkipped: 1, errors: 0 });
      await stat(join(outside, 'real-logs/old_metrics.log'));
    });

    it('deletes nothing outside the base directory while a racer swaps a folder for a symlink to an outside one', async () => {
      const count = 2000;
      const old = new Date(Date.now() - 40 * DAY_MS);
      for (const dir of [join(baseDir, 'logs/sub'), outside]) {
        mkdirSync(dir, { recursive: true });
        for (let i = 0; i < count; i++) {
          writeFileSync(join(dir, `f${i}.log.1`), 'x');
          utimesSync(join(dir, `f${i}.log.1`), old, old);
        }
      }
      const stopFile = join(recordsDir, 'stop');
      const racer = startNode(fixture('symlink-racer.ts'), [join(baseDir, 'logs/sub'), outside, stopFile]);
      await racer.line('ready');
      const result = await cleaner({ logPatterns: ['logs/**/*.log.*'] }).cleanupLogs();
      await writeFile(stopFile, '');
      const { code, stdout } = await racer.done;
      expect(code).to.equal(0);
      expect(Number(stdout.trim().split('\n').at(-1))).to.be.greaterThan(1); // the swaps ran during the cleanup
      expect(await readdir(outside)).to.have.length(count);
      expect(result.filesDeleted).to.be.at.most(count);
    });

    it('treats a file that vanishes mid-run as no error: two concurrent runs delete each file once', async () => {
      for (let i = 0; i < 300; i++) await writeFileAged(baseDir, `logs/f${i}_metrics.log`, { days: 40, content: 'z' });
      const [a, b] = await Promise.all([cleaner().cleanupLogs(), cleaner().cleanupLogs()]);
      expect(a.errors + b.errors).to.equal(0);
      expect(a.filesDeleted + b.filesDeleted).to.equal(300);
      expect(a.bytesFreed + b.bytesFreed).to.equal(300);
      expect(await fg('logs/*', { cwd: baseDir })).to.deep.equal([]);
    });

    it('counts a file it may not delete as an error and goes on with the rest', async function () {
      // Root may delete anything, so as root the cleaner runs in a child process as "nobody"; a real EACCES either way.
      await writeFileAged(baseDir, 'logs/locked/old.log', { days: 40, content: 'a'.repeat(10) });
      await writeFileAged(baseDir, 'logs/open/old.log', { days: 40, content: 'b'.repeat(20) });
      await writeFileAged(baseDir, 'logs/open/old2.log', { days: 40, content: 'c'.repeat(30) });
      await chmod(baseDir, 0o755);
      await chmod(join(baseDir, 'logs/locked'), 0o555);
      await chmod(join(baseDir, 'logs/open'), 0o777);
      const config = { ...DEFAULT_CLEANUP_CONFIG, logPatterns: ['logs/**/*.log'] };
      let result: CleanupResult;
      if (process.getuid?.() === 0) {
        const child = await runNode(fixture('run-cleaner.ts'), [baseDir, JSON.stringify(config)], { uid: 65534, gid: 65534, cwd: baseDir });
        expect(child.code, child.stderr).to.equal(0);
        result = JSON.parse(child.stdout) as CleanupResult;
      } else {
        result = await cleaner(config).cleanupLogs();
      }
      expect(result).to.include({ filesMatched: 3, filesDeleted: 2, bytesFreed: 50, errors: 1 });
      await stat(join(baseDir, 'logs/locked/old.log'));
    });

    it('handles more matches than it buffers (folder listings are held back, then resumed) and counts each file', async () => {
      const count = 2600; // many more than the 128 matches the cleaner lets wait before holding back a folder listing
      for (let i = 0; i < count; i++) {
        await writeFileAged(baseDir, `logs/d${i % 40}/f${i}.log`, { days: i % 2 === 0 ? 40 : 1, content: 'r' });
      }
      const dry = await cleaner({ logPatterns: ['logs/**/*.log'], dryRun: true }).cleanupLogs();
      const real = await cleaner({ logPatterns: ['logs/**/*.log'] }).cleanupLogs();
      for (const result of [dry, real]) expect(result).to.include({ filesMatched: count, filesDeleted: count / 2, bytesFreed: count / 2, errors: 0 });
      expect(await fg('logs/**/*.log', { cwd: baseDir })).to.have.length(count / 2);
    });

    it('returns zero counts when the base directory does not exist', async () => {
      const missing = new LogCleaner({}, { baseDir: join(baseDir, 'missing'), writer });
      expect(await missing.cleanupLogs()).to.include({ filesMatched: 0, filesDeleted: 0, errors: 0 });
    });

    it('writes one log_cleanup record per run with its counts', async () => {
      await writeFileAged(baseDir, 'logs/old_metrics.log', { days: 40, content: 'q'.repeat(42) });
      await cleaner({ dryRun: true }).cleanupLogs();
      await cleaner().cleanupLogs();
      await records.flush();
      const lines = (await readFile(join(recordsDir, 'logs/log_cleaner_metrics.log'), 'utf8')).trim().split('\n');
      const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(parsed.map((r) => Object.keys(r))).to.deep.equal(Array(2).fill([
        'timestamp', 'metric_type', 'operation', 'duration', 'success', 'module', 'files_deleted', 'bytes_freed', 'errors', 'dry_run',
      ]));
      expect(parsed[0]).to.include({ metric_type: 'timer', operation: 'log_cleanup', module: 'log_cleaner', success: true, files_deleted: 1, bytes_freed: 42, errors: 0, dry_run: true });
      expect(parsed[1]).to.include({ files_deleted: 1, bytes_freed: 42, dry_run: false });
    });

    it('ends at the next file and writes no record once its signal is aborted', async () => {
      for (let i = 0; i < 20; i++) await writeFileAged(baseDir, `logs/f${i}.log`, { days: 40 });
      const abort = new AbortController();
      abort.abort();
      const result = await cleaner().cleanupLogs({ signal: abort.signal });
      expect(result.filesDeleted).to.equal(0);
      await records.flush();
      expect(await fg('logs/*', { cwd: recordsDir })).to.deep.equal([]);
    });

    it('never loses a file outside the expired matching set (random trees and patterns)', async () => {
      const names = ['a.log', 'b.log.1', 'c.txt', 'd_metrics.log', 'e.log.gz'];
      const dirs = ['logs', 'logs/x', 'logs/x/y', 'other', '.'];
      const pool = ['logs/*.log', 'logs/*.log.*', 'logs/**/*.log', 'logs/x/*', '**/*.txt', 'other/**', '*.log', 'logs/**/*_metrics.log*'];
      const fileArb = fc.record({ dir: fc.constantFrom(...dirs), name: fc.constantFrom(...names), days: fc.constantFrom(1, 29, 31, 400) });
      await fc.assert(fc.asyncProperty(
        fc.uniqueArray(fileArb, { selector: (f) => `${f.dir}/${f.name}`, maxLength: 14 }),
        fc.uniqueArray(fc.constantFrom(...pool), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (files, logPatterns, dryRun) => {
          const root = await mkdtemp(join(tmpdir(), 'perflog-prop-'));
          try {
            for (const f of files) await writeFileAged(root, join(f.dir, f.name), { days: f.days });
            const matched = new Set(await fg(logPatterns, { cwd: root, onlyFiles: true, followSymbolicLinks: false }));
            const doomed = new Set(files.map((f) => join(f.dir, f.name)).filter((rel) => matched.has(rel) && files.find((f) => join(f.dir, f.name) === rel)!.days > 30));
            const before = await snapshot(root);
            const result = await new LogCleaner({ logPatterns, dryRun }, { baseDir: root, writer }).cleanupLogs();
            const after = await snapshot(root);
            for (const [rel, line] of before) {
              if (line.startsWith('dir')) continue;
              if (doomed.has(rel) && !dryRun) expect(after.has(rel), rel).to.equal(false);
              else expect(after.get(rel), rel).to.equal(line);
            }
            expect(result).to.include({ filesMatched: matched.size, filesDeleted: doomed.size, errors: 0, filesSkipped: 0 });
          } finally {
            await rm(root, { recursive: true, force: true });
          }
        },
      ), { numRuns: 40 });
    });
  });
});

describe('LogCleaner with a MetricLogWriter of its own', () => {
  it('uses a MetricLogWriter that is not perflog\'s through its logTimer', async () => {
    const baseDir = await mkdtemp(join(tmpdir(), 'perflog-'));
    try {
      const calls: unknown[][] = [];
      const custom: MetricLogWriter = {
        module: 'log_cleaner',
        logTimer: (...args) => { calls.push(args); },
        logCounter: () => undefined,
        logGauge: () => undefined,
      };
      await new LogCleaner({ dryRun: true }, { baseDir, writer: custom }).cleanupLogs();
      expect(calls).to.have.length(1);
      expect(calls[0]![0]).to.equal('log_cleanup');
      expect(calls[0]![2]).to.deep.equal({ success: true, files_deleted: 0, bytes_freed: 0, errors: 0, dry_run: true });
    } finally {
      await rm(baseDir, { recursive: true, force: true });
    }
  });
});
