import { expect } from 'chai';
import type { PerformanceMonitorFactory } from '../../src/index.js';
import { makeTempDir, rawLines, records, removeDir, testFactory } from '../helpers.js';

describe('CheckpointPerformanceMonitor', () => {
  let baseDir: string;
  let factory: PerformanceMonitorFactory;
  let errors: unknown[];
  beforeEach(async () => {
    baseDir = await makeTempDir();
    ({ factory, errors } = testFactory(baseDir));
  });
  afterEach(async () => {
    await factory.shutdown();
    await removeDir(baseDir);
  });

  describe('recordCheckpointSave()', () => {
    it('writes exactly the seed record: fields, types and key order', async () => {
      factory.createMonitor('checkpoint').recordCheckpointSave({ duration: 0.5, size: 1024, success: true });
      await factory.flush();
      const [line] = await rawLines(baseDir, 'checkpoint');
      expect(line).to.match(/^\{"timestamp":\d+(\.\d+)?,"metric_type":"timer","operation":"checkpoint_save","duration":0\.5,"size":1024,"success":true,"module":"checkpoint"\}$/);
    });

    it('defaults success to true, leaves out an absent size and puts error and attributes where SPEC says', async () => {
      const checkpoint = factory.createMonitor('checkpoint');
      checkpoint.recordCheckpointSave({ duration: 0.1 });
      checkpoint.recordCheckpointSave({ duration: 0.2, size: 10, success: false, error: 'ENOSPC', attributes: { thread_id: 't1' } });
      await factory.flush();
      const [plain, failed] = await records(baseDir, 'checkpoint');
      expect(Object.keys(plain!)).to.deep.equal(['timestamp', 'metric_type', 'operation', 'duration', 'success', 'module']);
      expect(Object.keys(failed!)).to.deep.equal(['timestamp', 'metric_type', 'operation', 'duration', 'size', 'success', 'module', 'thread_id', 'error']);
      expect(failed).to.include({ success: false, error: 'ENOSPC', thread_id: 't1' });
    });
  });

  describe('recordCheckpointLoad()', () => {
    it('writes a checkpoint_load record', async () => {
      factory.createMonitor('checkpoint').recordCheckpointLoad({ duration: 0.3, size: 1024, success: true });
      await factory.flush();
      expect((await records(baseDir, 'checkpoint'))[0]).to.include({ operation: 'checkpoint_load', duration: 0.3, size: 1024 });
    });

    it('drops bad input with a report naming the field, and never throws', async () => {
      const checkpoint = factory.createMonitor('checkpoint');
      const bad: unknown[] = [undefined, null, 'x', { duration: -1 }, { duration: 1, size: -5 }, { duration: 1, size: '10' },
        { duration: 1, success: 'yes' }, { duration: 1, error: 42 }, { duration: 1, attributes: { x: Number.NaN } }];
      for (const record of bad) expect(() => checkpoint.recordCheckpointLoad(record as never)).not.to.throw();
      await factory.flush();
      expect(await rawLines(baseDir, 'checkpoint')).to.deep.equal([]);
      expect(factory.stats().recordsDropped).to.equal(bad.length);
      expect(errors.map((e) => (e as { field?: string }).field)).to.deep.equal(
        ['record', 'record', 'record', 'duration', 'size', 'size', 'success', 'error', 'attributes.x']);
    });
  });
});
