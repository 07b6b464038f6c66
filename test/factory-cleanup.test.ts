import { expect } from 'chai';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogCleaner, LogCleanupService, PerflogConfigError, PerformanceMonitorFactory } from '../src/index.js';
import { writeFileAged } from './helpers/files.js';

const gone = (path: string) => stat(path).then(() => expect.fail(`${path} still exists`), () => undefined);

describe('PerformanceMonitorFactory (cleanup members)', () => {
  let baseDir: string;
  const factories: PerformanceMonitorFactory[] = [];
  const factory = (options: ConstructorParameters<typeof PerformanceMonitorFactory>[0] = {}) => {
    const built = new PerformanceMonitorFactory({ baseDir, ...options });
    factories.push(built);
    return built;
  };

  beforeEach(async () => {
    baseDir = await mkdtemp(join(tmpdir(), 'perflog-'));
  });

  afterEach(async () => {
    await Promise.all(factories.splice(0).map((f) => f.shutdown()));
    await rm(baseDir, { recursive: true, force: true });
  });

  describe('forceLogCleanup()', () => {
    it('runs even when cleanup is disabled, and honours dryRun', async () => {
      const old = await writeFileAged(baseDir, 'logs/old_metrics.log', { days: 40, content: '12345' });
      expect(await factory({ cleanup: { enabled: false, dryRun: true } }).forceLogCleanup()).to.include({ filesDeleted: 1, bytesFreed: 5, dryRun: true });
      await stat(old);
      expect(await factory({ cleanup: { enabled: false } }).forceLogCleanup()).to.include({ filesDeleted: 1, dryRun: false });
      await gone(old);
    });

    it('deletes only perflog\'s own files with the default patterns: an app\'s own old logs/server.log survives', async () => {
      const server = await writeFileAged(baseDir, 'logs/server.log', { days: 60 });
      const appRotated = await writeFileAged(baseDir, 'logs/server.log.1', { days: 60 });
      const rotated = await writeFileAged(baseDir, 'logs/tool_metrics.log.2026-01-01.001', { days: 60 });
      const otel = await writeFileAged(baseDir, 'logs/otel/app.log', { days: 60 });
      const f = factory();
      f.createMonitor('tool'); // the first monitor starts the default cleaner
      expect(await f.forceLogCleanup()).to.include({ filesDeleted: 2, errors: 0 });
      await Promise.all([stat(server), stat(appRotated)]);
      await Promise.all([gone(rotated), gone(otel)]);
    });

    it('cleans perflog\'s own files in the logDir in use when no patterns are given', async () => {
      const own = await writeFileAged(baseDir, 'var/perf/tool_metrics.log.1', { days: 60 });
      const app = await writeFileAged(baseDir, 'var/perf/app.log', { days: 60 });
      expect(await factory({ logDir: 'var/perf' }).forceLogCleanup()).to.include({ filesDeleted: 1, errors: 0 });
      await gone(own);
      await stat(app);
    });

    it('writes the run record through the factory, as module log_cleaner', async () => {
      const f = factory({ cleanup: { enabled: false }, file: { sync: true } });
      await f.forceLogCleanup();
      const line = JSON.parse(await readFile(join(baseDir, 'logs/log_cleaner_metrics.log'), 'utf8')) as Record<string, unknown>;
      expect(line).to.include({ operation: 'log_cleanup', module: 'log_cleaner', files_deleted: 0, dry_run: false });
      expect(f.stats().recordsWritten).to.equal(1);
    });
  });

  describe('setupLogCleaner()', () => {
    it('merges the config over the current one and makes it the cleaner forceLogCleanup and the service use', async () => {
      const f = factory({ cleanup: { enabled: false, retentionDays: 10 } });
      const cleaner = f.setupLogCleaner({ dryRun: true });
      expect(cleaner).to.be.instanceOf(LogCleaner);
      expect(cleaner.config).to.include({ enabled: false, retentionDays: 10, dryRun: true });
      expect(f.setupLogCleaner({ retentionDays: 3 }).config).to.include({ retentionDays: 3, dryRun: true });
      expect(f.getScheduledCleaner().cleaner.config).to.include({ retentionDays: 3, dryRun: true });
      await writeFileAged(baseDir, 'logs/four-days_metrics.log', { days: 4 });
      expect(await f.forceLogCleanup()).to.include({ filesDeleted: 1, dryRun: true });
    });

    it('runs the new cleaner after a run of the previous one, rather than joining it', async () => {
      await writeFileAged(baseDir, 'logs/old_metrics.log', { days: 40 });
      const f = factory();
      f.createMonitor('tool'); // starts the service: a real run begins in the background
      f.setupLogCleaner({ dryRun: true, logPatterns: ['logs/*.txt'] });
      expect(await f.forceLogCleanup()).to.include({ dryRun: true, filesMatched: 0 });
    });

    it('throws a PerflogConfigError and changes nothing for a bad value', () => {
      const f = factory({ cleanup: { enabled: false } });
      const before = f.getScheduledCleaner().cleaner;
      expect(() => f.setupLogCleaner({ logPatterns: ['../elsewhere/*.log'] })).to.throw(PerflogConfigError);
      expect(f.getScheduledCleaner().cleaner).to.equal(before);
    });

    it('moves a started service to the new interval, or stops its schedule when the new config is disabled', () => {
      const f = factory({ cleanup: { checkIntervalHours: 24 } });
      f.createMonitor('tool');
      const service = f.getScheduledCleaner();
      f.setupLogCleaner({ checkIntervalHours: 1 });
      expect(service.nextRunAt!.getTime()).to.be.at.most(Date.now() + 3_600_000);
      f.setupLogCleaner({ enabled: false });
      expect(service.isRunning).to.equal(false);
    });
  });

  describe('getScheduledCleaner()', () => {
    it('is one service, started by the first createMonitor() when enabled and stopped by shutdown()', async () => {
      await writeFileAged(baseDir, 'logs/old_metrics.log', { days: 40 });
      const f = factory();
      const service = f.getScheduledCleaner();
      expect(service).to.be.instanceOf(LogCleanupService);
      expect(f.getScheduledCleaner()).to.equal(service);
      expect(service.isRunning).to.equal(false);
      f.createMonitor('checkpoint');
      expect(service.isRunning).to.equal(true);
      await service.runNow(); // the first run, started in the background
      await gone(join(baseDir, 'logs/old_metrics.log'));
      await f.shutdown();
      expect(service.isRunning).to.equal(false);
    });

    it('is not started by createMonitor() when cleanup is disabled', () => {
      const f = factory({ cleanup: { enabled: false } });
      f.createMonitor('llm');
      expect(f.getScheduledCleaner().isRunning).to.equal(false);
    });
  });
});
