/**
 * Hot-path cost of rotation: ns per record of perflog rotating every 1 MB, perflog never rotating, and pino through
 * the same anchor as bench/hotpath (`pinoAnchor`: `sync: true, minLength: 4096`, after 'ready', `flushSync()` in the
 * clock), same payload, a fresh record object per call, rounds interleaved, a full GC between contenders.
 * Target: the rotating perflog's ratio to pino within 1.2x of the non-rotating one's.
 * Counts: PERFLOG_BENCH_ROUNDS (default 21) x PERFLOG_BENCH_OPS (default 20,000).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceMonitorFactory } from '../src/index.js';
import { pinoAnchor } from './anchors.js';
import type { Contender } from './harness.js';
import { countFromEnv, printRatio, printRatios, printSettings, runInterleaved } from './harness.js';

const baseDir = mkdtempSync(join(tmpdir(), 'perflog-bench-rotation-'));
try {
  const steady = new PerformanceMonitorFactory({ baseDir, logDir: 'steady', file: { maxSizeMb: 1_000_000, rotateInterval: 'none' } });
  const rotating = new PerformanceMonitorFactory({ baseDir, logDir: 'rotating', file: { maxSizeMb: 1, rotateInterval: 'daily' } });
  const steadyTools = steady.createMonitor('tool');
  const rotatingTools = rotating.createMonitor('tool');
  const pino = await pinoAnchor(join(baseDir, 'pino.log'), true);
  const ops = countFromEnv('OPS', 20_000);
  const contenders: Record<string, Contender> = {
    perflogRotating1Mb: {
      op: () => rotatingTools.recordToolCall({ tool: 'search', duration: 0.012, success: true }),
      flush: () => rotating.flush(),
      settings: 'file: { maxSizeMb: 1, rotateInterval: "daily" }, flush() in the clock',
    },
    perflogNoRotation: {
      op: () => steadyTools.recordToolCall({ tool: 'search', duration: 0.012, success: true }),
      flush: () => steady.flush(),
      settings: 'file: { rotateInterval: "none" }, never reaching maxSizeMb, flush() in the clock',
    },
    pino: {
      op: () => pino.logger.info({ metric_type: 'timer', operation: 'tool_call', duration: 0.012, success: true, module: 'tool', tool: 'search' }),
      flush: pino.flush,
      settings: pino.settings,
    },
  };
  printSettings(contenders);
  const results = await runInterleaved(contenders, { rounds: countFromEnv('ROUNDS', 21), opsPerRound: ops });

  printRatios(`hot path, ns per record (${ops.toLocaleString('en-US')} records a round, ~130 bytes each: with 20,000, 2-3 rotations a round for the 1 MB contender)`, results, 'pino');
  const [withRotation, withoutRotation, anchor] = results as [typeof results[0], typeof results[0], typeof results[0]];
  const rotatingVsPino = printRatio('perflog rotating every 1 MB / pino', withRotation, anchor);
  const steadyVsPino = printRatio('perflog without rotation / pino', withoutRotation, anchor);
  printRatio('rotating / not rotating (target <= 1.20x)', rotatingVsPino, steadyVsPino);
  const { recordsWritten, recordsDropped, writeErrors } = rotating.stats();
  console.log(`rotating contender: ${recordsWritten} records written, ${recordsDropped} dropped, ${writeErrors} write errors, ${readdirSync(join(baseDir, 'rotating')).length} files`);
  await steady.shutdown();
  await rotating.shutdown();
  await pino.close();
} finally {
  rmSync(baseDir, { recursive: true, force: true });
}
