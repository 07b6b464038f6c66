/**
 * Memory under backpressure: a tight loop with no await records 5,000,000 metrics, so the producer outruns the
 * disk. perflog's heap must not grow (its buffer is bounded and written synchronously); pino async (the hotpath
 * anchor, `minLength: 4096`) is shown for contrast on 1,000,000 records (its queue grows with the backlog).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceMonitorFactory } from '../src/index.js';
import { pinoAnchor } from './anchors.js';
import { heapAfterGc, mb } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'perflog-bench-mem-'));

function measure(label: string, records: number, record: (i: number) => void): number {
  const before = heapAfterGc();
  let peak = 0;
  for (let i = 0; i < records; i++) {
    record(i);
    if (i % 100_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
  }
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  const after = heapAfterGc();
  console.log(`${label.padEnd(34)} records ${records.toLocaleString('en-US').padStart(10)}   heap growth after GC ${mb(after - before).padStart(9)}   peak heap growth ${mb(peak - before).padStart(9)}`);
  return after - before;
}

const factory = new PerformanceMonitorFactory({ baseDir: dir, cleanup: { enabled: false } });
const checkpoint = factory.createMonitor('checkpoint');
const growth = measure('perflog (file, default options)', 5_000_000, () =>
  checkpoint.recordCheckpointSave({ duration: 0.5, size: 1024, success: true }));
await factory.shutdown();
console.log(`perflog stats: ${JSON.stringify(factory.stats())}`);
console.log(`ratio: perflog heap growth over 5,000,000 records = ${mb(growth)} (target < 5 MB)`);

const pino = await pinoAnchor(join(dir, 'pino.log'), false);
measure('pino async, minLength 4096 (contrast)', 1_000_000, () =>
  pino.logger.info({ metric_type: 'timer', operation: 'checkpoint_save', duration: 0.5, size: 1024, success: true, module: 'checkpoint' }));
pino.flush();
await pino.close();
rmSync(dir, { recursive: true, force: true });
