/**
 * Hot-path cost of rotation: ns per record of perflog rotating every 1 MB, perflog never rotating, and pino
 * (`pino.destination`, async, `base: null`), same payload, rounds interleaved, everything flushed each round.
 * Target: the rotating perflog's ratio to pino within 1.2x of the non-rotating one's.
 */
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { PerformanceMonitorFactory } from '../src/index.js';
import { printRatio, printRatios, runInterleaved } from './harness.js';

const baseDir = mkdtempSync(join(tmpdir(), 'perflog-bench-rotation-'));
try {
  const steady = new PerformanceMonitorFactory({ baseDir, logDir: 'steady', file: { maxSizeMb: 1_000_000, rotateInterval: 'none' } });
  const rotating = new PerformanceMonitorFactory({ baseDir, logDir: 'rotating', file: { maxSizeMb: 1, rotateInterval: 'daily' } });
  const steadyTools = steady.createMonitor('tool');
  const rotatingTools = rotating.createMonitor('tool');
  const destination = pino.destination({ dest: join(baseDir, 'pino.log'), sync: false, mkdir: true });
  await once(destination, 'ready');
  const logger = pino({ base: null }, destination);

  const results = await runInterleaved({
    perflogRotating1Mb: {
      op: () => rotatingTools.recordToolCall({ tool: 'search', duration: 0.012, success: true }),
      flush: () => rotating.flush(),
    },
    perflogNoRotation: {
      op: () => steadyTools.recordToolCall({ tool: 'search', duration: 0.012, success: true }),
      flush: () => steady.flush(),
    },
    pino: {
      op: () => logger.info({ metric_type: 'timer', operation: 'tool_call', duration: 0.012, success: true, module: 'tool', tool: 'search' }),
      flush: () => destination.flushSync(),
    },
  }, { rounds: 21, opsPerRound: 20_000 });

  printRatios('hot path, ns per record (20,000 records a round, ~2.6 MB: 2-3 rotations a round for the 1 MB contender)', results, 'pino');
  const [withRotation, withoutRotation, anchor] = results as [typeof results[0], typeof results[0], typeof results[0]];
  const rotatingVsPino = printRatio('perflog rotating every 1 MB / pino', withRotation, anchor);
  const steadyVsPino = printRatio('perflog without rotation / pino', withoutRotation, anchor);
  printRatio('rotating / not rotating (target <= 1.20x)', rotatingVsPino, steadyVsPino);
  const { recordsWritten, recordsDropped, writeErrors } = rotating.stats();
  console.log(`rotating contender: ${recordsWritten} records written, ${recordsDropped} dropped, ${writeErrors} write errors, ${readdirSync(join(baseDir, 'rotating')).length} files`);
  await steady.shutdown();
  await rotating.shutdown();
  destination.end();
} finally {
  rmSync(baseDir, { recursive: true, force: true });
}
