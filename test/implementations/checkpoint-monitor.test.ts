import { expect } from 'chai';
import { rawLines, records, useTempFactory } from '../helpers.js';

describe('CheckpointPerformanceMonitor', () => {
  const test = useTempFactory();

  describe('recordCheckpointSave()', () => {
    it('writes exactly the seed record: fields, types and key order', async () => {
      test.factory.createMonitor('checkpoint').recordCheckpointSave({ duration: 0.5, size: 1024, success: true });
      await test.factory.flush();
      const [line] = await rawLines(test.baseDir, 'checkpoint');
      expect(line).to.match(/^\{"timestamp":\d+(\.\d+)?,"metric_type":"timer","operation":"checkpoint_save","duration":0\.5,"size":1024,"success":true,"module":"checkpoint"\}$/);
    });

    it('defaults success to true, leaves out an absent size and puts error and attributes where SPEC says', async () => {
      const checkpoint = test.factory.createMonitor('checkpoint');
      checkpoint.recordCheckpointSave({ duration: 0.1 });
      checkpoint.recordCheckpointSave({ duration: 0.2, size: 10, success: false, error: 'ENOSPC', attributes: { thread_id: 't1' } });
      await test.factory.flush();
      const [plain, failed] = await records(test.baseDir, 'checkpoint');
      expect(Object.keys(plain!)).to.deep.equal(['timestamp', 'metric_type', 'operation', 'duration', 'success', 'module']);
      expect(Object.keys(failed!)).to.deep.equal(['timestamp', 'metric_type', 'operation', 'duration', 'size', 'success', 'module', 'thread_id', 'error']);
      expect(failed).to.include({ success: false, error: 'ENOSPC', thread_id: 't1' });
    });
  });

  describe('recordCheckpointLoad()', () => {
    it('writes a checkpoint_load record', async () => {
      test.factory.createMonitor('checkpoint').recordCheckpointLoad({ duration: 0.3, size: 1024, success: true });
      await test.factory.flush();
      expect((await records(test.baseDir, 'checkpoint'))[0]).to.include({ operation: 'checkpoint_load', duration: 0.3, size: 1024 });
    });

    it('drops bad input with a report naming the field, and never throws', async () => {
      const checkpoint = test.factory.createMonitor('checkpoint');
      const bad: unknown[] = [undefined, null, 'x', { duration: -1 }, { duration: 1, size: -5 }, { duration: 1, size: '10' },
        { duration: 1, success: 'yes' }, { duration: 1, error: 42 }, { duration: 1, attributes: { x: Number.NaN } }];
      for (const record of bad) expect(() => checkpoint.recordCheckpointLoad(record as never)).not.to.throw();
      await test.factory.flush();
      expect(await rawLines(test.baseDir, 'checkpoint')).to.deep.equal([]);
      expect(test.factory.stats().recordsDropped).to.equal(bad.length);
      expect(test.errors.map((e) => (e as { field?: string }).field)).to.deep.equal(
        ['record', 'record', 'record', 'duration', 'size', 'size', 'success', 'error', 'attributes.x']);
    });
  });

  describe('recordCheckpointSaveWrites()', () => {
    it('writes checkpoint_save_writes with size, then writes as the module field, then attributes', async () => {
      test.factory.createMonitor('checkpoint').recordCheckpointSaveWrites({ duration: 0.002, size: 310, writes: 3, attributes: { thread_id: 't1' } });
      await test.factory.flush();
      const [line] = await rawLines(test.baseDir, 'checkpoint');
      expect(line).to.match(/^\{"timestamp":\d+(\.\d+)?,"metric_type":"timer","operation":"checkpoint_save_writes","duration":0\.002,"size":310,"success":true,"module":"checkpoint","writes":3,"thread_id":"t1"\}$/);
    });

    it('drops a writes count that is missing or not a whole number >= 0, and an attribute named writes', async () => {
      const checkpoint = test.factory.createMonitor('checkpoint');
      const bad: unknown[] = [{ duration: 1 }, { duration: 1, writes: -1 }, { duration: 1, writes: 1.5 }, { duration: 1, writes: '2' },
        { duration: -1, writes: 1 }, { duration: 1, writes: 1, attributes: { writes: 2 } }];
      for (const record of bad) expect(() => checkpoint.recordCheckpointSaveWrites(record as never)).not.to.throw();
      checkpoint.recordCheckpointSaveWrites({ duration: 0, writes: 0, success: false, error: 'SqliteError' });
      await test.factory.flush();
      expect((await records(test.baseDir, 'checkpoint')).map((r) => [r['writes'], r['error']])).to.deep.equal([[0, 'SqliteError']]);
      expect(test.errors.map((e) => (e as { field?: string }).field)).to.deep.equal(
        ['writes', 'writes', 'writes', 'writes', 'duration', 'attributes.writes']);
    });
  });
});
