/**
 * One writer of `bench/multiprocess`: sets up perflog (the shared module file) or pino (a file of its own), warms
 * up (JIT) with `WARMUP` records, says `ready`, writes `count` records at full speed on `go`, flushes, and reports
 * its start and end (epoch ms).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PerformanceMonitorFactory } from '../src/index.js';
import { pinoAnchor } from './anchors.js';

const [kind, dir, index, countArg] = process.argv.slice(2) as [string, string, string, string];
const WARMUP = 20_000;
let count = WARMUP;
const epochMs = (): number => performance.timeOrigin + performance.now();
let run: () => void;
/** Records this writer lost (a benchmark of dropped records would measure nothing). */
let dropped = (): number => 0;

if (kind === 'perflog') {
  const factory = new PerformanceMonitorFactory({ baseDir: dir, file: { maxSizeMb: 8 } }); // rotations during the run
  const tools = factory.createMonitor('tool');
  run = () => {
    for (let i = 0; i < count; i++) tools.recordToolCall({ tool: 'search', duration: 0.012, success: true });
    void factory.flush();
  };
  dropped = () => factory.stats().recordsDropped;
} else {
  // the hotpath anchor (sync: true, minLength: 4096, after 'ready', flushSync() in the clock)
  const anchor = await pinoAnchor(join(dir, `pino-${index}.log`), true);
  run = () => {
    for (let i = 0; i < count; i++) anchor.logger.info({ metric_type: 'timer', operation: 'tool_call', duration: 0.012, success: true, module: 'tool', tool: 'search' });
    anchor.flush();
  };
}

run();
count = Number(countArg);
process.on('message', () => {
  const startMs = epochMs();
  run();
  const endMs = epochMs();
  if (dropped() > 0) throw new Error(`bench/multiprocess: perflog dropped ${dropped()} records`);
  process.send!({ startMs, endMs }, () => process.exit(0));
});
process.send!('ready');
