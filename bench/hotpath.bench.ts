/**
 * The recording hot path: the seed's checkpoint record and the LLM record, with perflog (file-only, default
 * options), pino at its fast fair settings (sync and async, `minLength: 4096`), the stock OTel SDK (Batch, and
 * Simple as a second line), a hand-written floor and prom-client (in memory, no file). A fresh record object per
 * call; every contender's flush (a real write) is inside the clock; rounds interleaved, a full GC between
 * contenders. Each scenario runs in a process of its own (as `npm run bench` runs each benchmark): in one process,
 * a scenario run after others took 2-4x longer per record for every contender, the floor included.
 * Counts: PERFLOG_BENCH_ROUNDS (default 20) x PERFLOG_BENCH_OPS (default 50,000) records.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import client from 'prom-client';
import { PerformanceMonitorFactory } from '../src/index.js';
import { FloorWriter, otelSdkAnchor, pinoAnchor } from './anchors.js';
import type { Contender, ContenderResult } from './harness.js';
import { countFromEnv, printRatio, printRatios, printSettings, runInterleaved } from './harness.js';

const SCENARIOS = ['checkpoint_save', 'llm_call', 'checkpoint_save, varying durations'];
const only = process.env['PERFLOG_BENCH_SCENARIO'];
if (only === undefined) {
  let failed = false;
  for (const name of SCENARIOS) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      stdio: 'inherit', env: { ...process.env, PERFLOG_BENCH_SCENARIO: name },
    });
    failed ||= child.status !== 0;
  }
  process.exit(failed ? 1 : 0);
}

const dir = mkdtempSync(join(tmpdir(), 'perflog-bench-'));
const ROUNDS = countFromEnv('ROUNDS', 20);
const OPS = countFromEnv('OPS', 50_000);
const YIELD_EVERY = 4096;

const factory = new PerformanceMonitorFactory({ baseDir: dir, cleanup: { enabled: false } });
const registry = new client.Registry();
const histogram = new client.Histogram({ name: 'op_seconds', help: 'op', labelNames: ['module', 'operation', 'success'], registers: [registry] });
const llmHistogram = new client.Histogram({ name: 'llm_seconds', help: 'llm', labelNames: ['model', 'provider', 'success'], registers: [registry] });
const tokens = new client.Counter({ name: 'llm_tokens', help: 'tokens', labelNames: ['model', 'provider', 'kind'], registers: [registry] });
const closers: Array<() => unknown> = [];

/** One scenario: the same record through every contender, in files of its own. */
async function scenario(
  name: string,
  perflog: () => void,
  asAttributes: () => Record<string, string | number | boolean>,
  floor: (writer: FloorWriter) => void,
  prom: () => void,
): Promise<ContenderResult[]> {
  if (name !== only) return [];
  const pinoSync = await pinoAnchor(join(dir, `pino-sync-${name}.log`), true);
  const pinoAsync = await pinoAnchor(join(dir, `pino-async-${name}.log`), false);
  const pinoYield = await pinoAnchor(join(dir, `pino-async-yield-${name}.log`), false);
  const otelBatch = otelSdkAnchor(join(dir, `otel-batch-${name}.log`), { recordsPerRound: OPS });
  const otelSimple = otelSdkAnchor(join(dir, `otel-simple-${name}.log`), undefined);
  const floorWriter = new FloorWriter(join(dir, `floor-${name}.log`));
  closers.push(pinoSync.close, pinoAsync.close, pinoYield.close, otelBatch.close, otelSimple.close, () => floorWriter.close());
  const flushPerflog = () => factory.flush();
  const perflogSettings = 'new PerformanceMonitorFactory() file-only defaults (64 KiB buffer, writeSync), flush() in the clock';
  const contenders: Record<string, Contender> = {
    perflog: { op: perflog, flush: flushPerflog, settings: perflogSettings },
    'pino sync': { op: () => pinoSync.logger.info(asAttributes()), flush: pinoSync.flush, settings: pinoSync.settings },
    'pino async': { op: () => pinoAsync.logger.info(asAttributes()), flush: pinoAsync.flush, settings: pinoAsync.settings },
    'perflog, yielding': { op: perflog, flush: flushPerflog, settings: perflogSettings, yieldEvery: YIELD_EVERY },
    'pino async, yielding': { op: () => pinoYield.logger.info(asAttributes()), flush: pinoYield.flush, settings: pinoYield.settings, yieldEvery: YIELD_EVERY },
    'OTel SDK Batch': { op: () => otelBatch.emit(name, asAttributes()), flush: otelBatch.flush, settings: otelBatch.settings },
    'OTel SDK Simple': { op: () => otelSimple.emit(name, asAttributes()), flush: otelSimple.flush, settings: otelSimple.settings },
    floor: { op: () => floor(floorWriter), flush: () => floorWriter.flush(), settings: FloorWriter.settings },
    'prom-client': { op: prom, settings: 'in-memory Histogram.observe (no file; for scale)' },
  };
  const title = `${name} record: ns/record, lower is better (${ROUNDS} rounds x ${OPS.toLocaleString('en-US')} records)`;
  console.log(`\n${title}; contenders:`);
  printSettings(contenders);
  const results = await runInterleaved(contenders, { rounds: ROUNDS, opsPerRound: OPS });
  printRatios(title, results, 'pino sync');
  const by = Object.fromEntries(results.map((r) => [r.name, r]));
  const fastestPino = [by['pino sync']!, by['pino async']!].sort((a, b) => a.medianNs - b.medianNs)[0]!;
  printRatio(`${name}: perflog / pino fastest fair (${fastestPino.name}) (target <= 0.20x)`, by['perflog']!, fastestPino);
  printRatio(`${name}: perflog / OTel SDK Batch (target <= 0.20x)`, by['perflog']!, by['OTel SDK Batch']!);
  printRatio(`${name}: perflog / OTel SDK Simple`, by['perflog']!, by['OTel SDK Simple']!);
  printRatio(`${name}: perflog / floor (target <= 1.50x)`, by['perflog']!, by['floor']!);
  printRatio(`${name}: perflog, yielding / pino async, yielding`, by['perflog, yielding']!, by['pino async, yielding']!);
  return results;
}

const checkpoint = factory.createMonitor('checkpoint');
await scenario(
  'checkpoint_save',
  () => checkpoint.recordCheckpointSave({ duration: 0.5, size: 1024, success: true }),
  () => ({ metric_type: 'timer', operation: 'checkpoint_save', duration: 0.5, size: 1024, success: true, module: 'checkpoint' }),
  (writer) => writer.checkpoint({ duration: 0.5, size: 1024, success: true }),
  () => histogram.observe({ module: 'checkpoint', operation: 'checkpoint_save', success: 'true' }, 0.5),
);

const llm = factory.createMonitor('llm');
await scenario(
  'llm_call',
  () => llm.recordLlmCall({ model: 'gpt-4', provider: 'openai', responseTime: 2.1, promptTokens: 100, completionTokens: 200, totalTokens: 300, success: true }),
  () => ({
    metric_type: 'timer', operation: 'llm_call', duration: 2.1, success: true, module: 'llm', model: 'gpt-4', provider: 'openai',
    prompt_tokens: 100, completion_tokens: 200, total_tokens: 300,
  }),
  (writer) => writer.llm({ model: 'gpt-4', provider: 'openai', responseTime: 2.1, promptTokens: 100, completionTokens: 200, totalTokens: 300, success: true }),
  () => {
    llmHistogram.observe({ model: 'gpt-4', provider: 'openai', success: 'true' }, 2.1);
    tokens.inc({ model: 'gpt-4', provider: 'openai', kind: 'prompt' }, 100);
    tokens.inc({ model: 'gpt-4', provider: 'openai', kind: 'completion' }, 200);
  },
);

// The seed records above repeat one duration, so V8's number-to-string cache formats it once; an app's durations
// differ record to record. Every contender here formats the same 4,096 measured-like durations, in the same order.
const DURATIONS = Array.from({ length: 4096 }, () => Math.random() * 2);
let next = 0;
const duration = (): number => DURATIONS[next++ & 4095]!;
await scenario(
  'checkpoint_save, varying durations',
  () => checkpoint.recordCheckpointSave({ duration: duration(), size: 1024, success: true }),
  () => ({ metric_type: 'timer', operation: 'checkpoint_save', duration: duration(), size: 1024, success: true, module: 'checkpoint' }),
  (writer) => writer.checkpoint({ duration: duration(), size: 1024, success: true }),
  () => histogram.observe({ module: 'checkpoint', operation: 'checkpoint_save', success: 'true' }, duration()),
);

console.log(`\nperflog stats: ${JSON.stringify(factory.stats())}`);
await factory.shutdown();
for (const close of closers) await close();
rmSync(dir, { recursive: true, force: true });
