import { expect } from 'chai';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CheckpointPerformanceMonitor, LightweightPerformanceMonitor, PerflogConfigError, PerformanceMonitorFactory, getCheckpointMonitor,
} from '../src/index.js';
import { makeTempDir, rawLines, records, removeDir, repoPath, runTs, testFactory } from './helpers.js';

describe('PerformanceMonitorFactory', () => {
  let baseDir: string;
  beforeEach(async () => {
    baseDir = await makeTempDir();
  });
  afterEach(() => removeDir(baseDir));

  describe('createMonitor()', () => {
    it('returns one instance per type and the built-in classes', async () => {
      const { factory } = testFactory(baseDir);
      expect(factory.createMonitor('checkpoint')).to.equal(factory.createMonitor('checkpoint'));
      expect(factory.createMonitor('checkpoint')).to.be.instanceOf(CheckpointPerformanceMonitor);
      for (const type of ['llm', 'tool', 'workflow']) expect(factory.createMonitor(type).module).to.equal(type);
      await factory.shutdown();
    });

    it('throws for an unknown type, naming the known ones', async () => {
      const { factory } = testFactory(baseDir);
      expect(() => factory.createMonitor('nope')).to.throw(Error, /unknown monitor type "nope"; known types: checkpoint, llm, tool, workflow/);
      await factory.shutdown();
    });
  });

  describe('registerMonitorType()', () => {
    it('adds a type whose maker receives the factory writer for it', async () => {
      const { factory } = testFactory(baseDir);
      class Queue extends LightweightPerformanceMonitor {}
      factory.registerMonitorType('queue', (writer) => new Queue(writer));
      const queue = factory.createMonitor('queue');
      expect(queue).to.be.instanceOf(Queue);
      queue.time('drain', () => undefined);
      await factory.shutdown();
      expect((await records(baseDir, 'queue'))[0]).to.include({ operation: 'drain', module: 'queue' });
      expect(() => factory.registerMonitorType('', () => queue)).to.throw(TypeError);
    });
  });

  describe('stats(), flush() and shutdown()', () => {
    it('counts written records and bytes; shutdown is idempotent and recording after it is a counted no-op', async () => {
      const { factory } = testFactory(baseDir);
      const checkpoint = factory.createMonitor('checkpoint');
      checkpoint.recordCheckpointSave({ duration: 0.5, size: 1024 });
      await factory.flush();
      const [line] = await rawLines(baseDir, 'checkpoint');
      expect(factory.stats()).to.deep.equal({
        recordsWritten: 1, recordsDropped: 0, writeErrors: 0, exportErrors: 0, bytesWritten: Buffer.byteLength(line!) + 1, recordsExported: 0,
      });
      const first = factory.shutdown();
      expect(factory.shutdown()).to.equal(first);
      await first;
      expect(() => checkpoint.recordCheckpointSave({ duration: 1 })).not.to.throw();
      expect(factory.stats()).to.include({ recordsWritten: 1, recordsDropped: 1 });
      expect(await rawLines(baseDir, 'checkpoint')).to.have.length(1);
    });

    it('writes synchronously with file.sync: true (the line is there before any flush)', async () => {
      const { factory } = testFactory(baseDir, { file: { sync: true } });
      factory.createMonitor('tool').recordToolCall({ tool: 't', duration: 1 });
      expect(await rawLines(baseDir, 'tool')).to.have.length(1);
      await factory.shutdown();
    });
  });

  describe('options', () => {
    it('rejects a bad option with a PerflogConfigError naming it', () => {
      expect(() => new PerformanceMonitorFactory({ file: { maxSizeMb: -1 } })).to.throw(PerflogConfigError, /file\.maxSizeMb must be a number > 0 \(got -1\)/);
      expect(() => new PerformanceMonitorFactory({ logdir: 'x' } as never)).to.throw(PerflogConfigError, /logdir must be one of the known options/);
      expect(() => new PerformanceMonitorFactory({ cleanup: { logPatterns: ['../outside/*.log'] } })).to.throw(PerflogConfigError, /cleanup\.logPatterns/);
      expect(() => new PerformanceMonitorFactory({ onError: 'log' as never })).to.throw(PerflogConfigError, /onError must be a function/);
    });

    it('resolves logDir and a custom fileName against baseDir', async () => {
      const { factory } = testFactory(baseDir, { logDir: 'metrics', file: { fileName: 'perf-{module}.jsonl' } });
      factory.createMonitor('llm').recordLlmCall({ model: 'm', provider: 'p', responseTime: 1 });
      await factory.shutdown();
      expect(factory.options.logDir).to.equal(join(baseDir, 'metrics'));
      const { readFile } = await import('node:fs/promises');
      expect(await readFile(join(baseDir, 'metrics', 'perf-llm.jsonl'), 'utf8')).to.match(/"operation":"llm_call"/);
    });
  });

  describe('configure()', () => {
    it('moves monitors already handed out to the new configuration and keeps the counters', async () => {
      const first = PerformanceMonitorFactory.configure({ baseDir, cleanup: { enabled: false } });
      const checkpoint = getCheckpointMonitor();
      checkpoint.recordCheckpointSave({ duration: 1 });
      const second = PerformanceMonitorFactory.configure({ baseDir, logDir: 'logs2', cleanup: { enabled: false } });
      expect(second).to.equal(first);
      checkpoint.recordCheckpointSave({ duration: 2 });
      await second.flush();
      expect(await records(baseDir, 'checkpoint')).to.have.length(1);
      expect((await records(baseDir, 'checkpoint', 'logs2'))[0]).to.include({ duration: 2 });
      expect(second.stats().recordsWritten).to.be.at.least(2);
      expect(getCheckpointMonitor()).to.equal(checkpoint);
    });
  });

  describe('getInstance()', () => {
    it('uses configs/monitoring_logging.yaml under the working directory', async () => {
      await mkdir(join(baseDir, 'configs'));
      await writeFile(join(baseDir, 'configs/monitoring_logging.yaml'), 'metrics_log:\n  directory: from-yaml\n  sync: true\nlog_cleanup:\n  enabled: false\n');
      const { code, stdout, stderr } = await runTs(repoPath('test/fixtures/default-factory.ts'), { cwd: baseDir, env: { PERFLOG_CONFIG: '' } });
      expect(code, stderr).to.equal(0);
      expect(JSON.parse(stdout)).to.deep.include({ logDir: join(baseDir, 'from-yaml'), sync: true });
      expect(await rawLines(baseDir, 'checkpoint', 'from-yaml')).to.have.length(1);
    });

    it('prefers the file named by PERFLOG_CONFIG, and defaults without any file', async () => {
      await writeFile(join(baseDir, 'other.yaml'), 'metrics_log:\n  directory: from-env\nlog_cleanup:\n  enabled: false\n');
      const fromEnv = await runTs(repoPath('test/fixtures/default-factory.ts'), { cwd: baseDir, env: { PERFLOG_CONFIG: 'other.yaml' } });
      expect(JSON.parse(fromEnv.stdout)).to.include({ logDir: join(baseDir, 'from-env') });
      const plain = await makeTempDir();
      const defaults = await runTs(repoPath('test/fixtures/default-factory.ts'), { cwd: plain, env: { PERFLOG_CONFIG: '' } });
      expect(JSON.parse(defaults.stdout)).to.include({ logDir: join(plain, 'logs'), sync: false });
      expect(await rawLines(plain, 'checkpoint')).to.have.length(1);
      await removeDir(plain);
    });

    it('fails loudly on an invalid config file, naming file and key', async () => {
      await mkdir(join(baseDir, 'configs'));
      await writeFile(join(baseDir, 'configs/monitoring_logging.yaml'), 'metrics_log:\n  max_size_mb: -3\n');
      const { code, stderr } = await runTs(repoPath('test/fixtures/default-factory.ts'), { cwd: baseDir, env: { PERFLOG_CONFIG: '' } });
      expect(code).to.equal(1);
      expect(stderr).to.match(/monitoring_logging\.yaml: metrics_log\.max_size_mb must be a number > 0 \(got -3\)/);
    });
  });
});
