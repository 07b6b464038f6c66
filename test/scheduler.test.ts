import { expect } from 'chai';
import fg from 'fast-glob';
import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { acquireLease } from '../src/exporters/file-lock.js';
import { DEFAULT_CLEANUP_CONFIG, LogCleaner, LogCleanupService, PerformanceMonitorFactory } from '../src/index.js';
import type { CleanupResult, LogCleanupConfig } from '../src/index.js';
import { fixture, runNode, writeFileAged } from './helpers/files.js';

describe('LogCleanupService', () => {
  let baseDir: string;
  let records: PerformanceMonitorFactory;
  let lockPath: string;
  const services: LogCleanupService[] = [];

  beforeEach(async () => {
    baseDir = await mkdtemp(join(tmpdir(), 'perflog-'));
    records = new PerformanceMonitorFactory({ baseDir: join(baseDir, 'records'), cleanup: { enabled: false } });
    lockPath = join(baseDir, 'lock', '.perflog-cleanup.lock');
  });

  afterEach(async () => {
    for (const service of services.splice(0)) service.stop();
    await records.shutdown();
    await rm(baseDir, { recursive: true, force: true });
  });

  const service = (config: Partial<LogCleanupConfig> = {}, onError?: (error: Error) => void) => {
    const cleaner = new LogCleaner({ ...DEFAULT_CLEANUP_CONFIG, ...config }, { baseDir, writer: records.getWriter('log_cleaner') });
    const built = new LogCleanupService(cleaner, { lockPath, onError });
    services.push(built);
    return built;
  };

  describe('start()', () => {
    it('does nothing when cleanup is disabled', () => {
      const disabled = service({ enabled: false });
      disabled.start();
      expect(disabled.isRunning).to.equal(false);
      expect(disabled.nextRunAt).to.equal(undefined);
    });

    it('runs a first cleanup at once, then schedules the next after checkIntervalHours', async () => {
      await writeFileAged(baseDir, 'logs/old_metrics.log', { days: 40 });
      const started = service({ checkIntervalHours: 2 });
      const before = Date.now();
      started.start();
      expect(started.isRunning).to.equal(true);
      const next = started.nextRunAt!.getTime();
      expect(next).to.be.at.least(before + 2 * 3_600_000).and.at.most(Date.now() + 2 * 3_600_000);
      await started.runNow(); // joins the first run
      await stat(join(baseDir, 'logs/old_metrics.log')).then(() => expect.fail('the expired file is still there'), () => undefined);
      started.start(); // a second start() changes nothing
      expect(started.nextRunAt!.getTime()).to.equal(next);
    });

    it('bounds the interval so the timer cannot overflow (596 hours < 2^31 - 1 ms)', () => {
      const longest = service({ checkIntervalHours: 596 });
      longest.start();
      expect(longest.nextRunAt!.getTime() - Date.now()).to.be.below(2 ** 31 - 1);
    });
  });

  describe('stop()', () => {
    it('stops the schedule', () => {
      const started = service();
      started.start();
      started.stop();
      expect(started.isRunning).to.equal(false);
      expect(started.nextRunAt).to.equal(undefined);
    });
  });

  describe('runNow()', () => {
    it('runs whatever enabled says, and a second caller joins the run in progress', async () => {
      await writeFileAged(baseDir, 'logs/old_metrics.log', { days: 40, content: 'abc' });
      const disabled = service({ enabled: false });
      const first = disabled.runNow();
      expect(disabled.runNow()).to.equal(first);
      expect(await first).to.include({ filesDeleted: 1, bytesFreed: 3, errors: 0 });
      expect(disabled.runNow()).to.not.equal(first);
    });

    it('counts and reports a failing run instead of throwing', async () => {
      await writeFile(join(baseDir, 'lock'), 'a file where the lock\'s folder should be');
      const errors: Error[] = [];
      const failing = service({}, (error) => errors.push(error));
      const result = await failing.runNow();
      expect(result).to.include({ errors: 1, filesDeleted: 0 });
      expect(failing.failedRuns).to.equal(1);
      expect(errors).to.have.length(1);
    });

    it('skips a real run while another live process holds the lock, but not a dry run', async () => {
      await writeFileAged(baseDir, 'logs/old_metrics.log', { days: 40 });
      await mkdir(join(baseDir, 'lock'), { recursive: true });
      const release = acquireLease(lockPath, 10_000, () => undefined)!;
      try {
        expect(await service().runNow()).to.include({ filesDeleted: 0, filesMatched: 0, errors: 0 });
        expect(await service({ dryRun: true }).runNow()).to.include({ filesDeleted: 1, dryRun: true });
        await stat(join(baseDir, 'logs/old_metrics.log'));
      } finally {
        release();
      }
    });

    it('takes over a lock left by a process that died, at once', async () => {
      await writeFileAged(baseDir, 'logs/old_metrics.log', { days: 40 });
      await mkdir(join(baseDir, 'lock'), { recursive: true });
      const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
      await writeFile(lockPath, `${deadPid} 0 ${hostname()} 1-1\n`);
      expect(await service().runNow()).to.include({ filesDeleted: 1, errors: 0 });
      await stat(lockPath).then(() => expect.fail('the lock was not released'), () => undefined);
    });

    it('takes over a lock not refreshed for 10 s (a holder on another host, or frozen)', async () => {
      await writeFileAged(baseDir, 'logs/old_metrics.log', { days: 40 });
      await mkdir(join(baseDir, 'lock'), { recursive: true });
      await writeFile(lockPath, '1 0 another-host 1-1\n');
      const longAgo = new Date(Date.now() - 60_000);
      await utimes(lockPath, longAgo, longAgo);
      expect(await service().runNow()).to.include({ filesDeleted: 1, errors: 0 });
    });
  });

  describe('several processes', () => {
    it('deletes each expired file once when two processes run the service at once', async () => {
      const count = 400;
      for (let i = 0; i < count; i++) await writeFileAged(baseDir, `logs/d${i % 7}/f${i}.log`, { days: 40, content: 'x'.repeat(10) });
      await writeFileAged(baseDir, 'logs/fresh_metrics.log', { days: 1 });
      const children = await Promise.all([0, 1].map(() => runNode(fixture('cleanup-service.ts'), [baseDir, 'run'])));
      const results = children.map((child) => {
        expect(child.code, child.stderr).to.equal(0);
        expect(child.stderr).to.equal('');
        return JSON.parse(child.stdout) as CleanupResult;
      });
      expect(results.map((r) => r.errors)).to.deep.equal([0, 0]);
      expect(results[0]!.filesDeleted + results[1]!.filesDeleted).to.equal(count);
      expect(results[0]!.bytesFreed + results[1]!.bytesFreed).to.equal(count * 10);
      expect((await fg('logs/**/*.log', { cwd: baseDir })).sort()).to.deep.equal(['logs/fresh_metrics.log', 'logs/log_cleaner_metrics.log']);
    });

    it('lets a process that only started the service exit by itself', async () => {
      await writeFileAged(baseDir, 'logs/old_metrics.log', { days: 40 });
      const child = await runNode(fixture('cleanup-service.ts'), [baseDir, 'start-only']);
      expect(child.stdout).to.equal('started true\n');
      expect({ code: child.code, signal: child.signal }).to.deep.equal({ code: 0, signal: null });
      expect(await fg('logs/*.log', { cwd: baseDir })).to.not.include('logs/old_metrics.log');
    });
  });
});
