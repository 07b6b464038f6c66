/**
 * Child process of bench/cleanup.bench.ts: one cleanup run over argv[2] (baseDir) with the patterns find uses,
 * dry or real (argv[3]); prints the result (with the run's own duration) and the process's peak RSS as JSON.
 * With argv[4] = "sample" (and --expose-gc) it also samples the live heap after a full GC every 250 ms, which shows
 * what the run keeps, apart from the garbage V8 collects lazily (that part of the peak RSS follows allocation volume).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceMonitorFactory } from '../src/index.js';

const [baseDir, mode, sample] = process.argv.slice(2) as [string, 'dry' | 'real' | 'idle', string | undefined];
const gc = (globalThis as { gc?: () => void }).gc;
let maxLiveHeap = 0;
const sampler = sample === 'sample' && gc !== undefined
  ? setInterval(() => {
    gc();
    maxLiveHeap = Math.max(maxLiveHeap, process.memoryUsage().heapUsed);
  }, 250)
  : undefined;
const logDir = mkdtempSync(join(tmpdir(), 'perflog-bench-records-')); // the run's own record goes outside the tree
const factory = new PerformanceMonitorFactory({
  baseDir, logDir, cleanup: { enabled: false, retentionDays: 30, logPatterns: ['logs/**/*.log*'], dryRun: mode === 'dry' },
});
gc?.();
const startLiveHeap = process.memoryUsage().heapUsed;
const result = mode === 'idle' ? undefined : await factory.forceLogCleanup();
if (sampler !== undefined) clearInterval(sampler);
await factory.shutdown();
rmSync(logDir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ result, maxRssKb: process.resourceUsage().maxRSS, startLiveHeap, maxLiveHeap })}\n`);
