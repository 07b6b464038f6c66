/**
 * The recording hot path: the seed's checkpoint record and the LLM record, 1,000,000 times each, with perflog
 * (file-only, default options), pino async, the stock OTel SDK pipeline and prom-client (in memory), rounds
 * interleaved, every contender flushed to its file at the end of each round.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import client from 'prom-client';
import { PerformanceMonitorFactory } from '../src/index.js';
import { otelSdk, pinoAsync } from './anchors.js';
import type { ContenderResult } from './harness.js';
import { printRatio, printRatios, runInterleaved } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'perflog-bench-'));
const ROUNDS = 20;
const OPS = 50_000; // 20 x 50,000 = 1,000,000 records per contender and scenario

const factory = new PerformanceMonitorFactory({ baseDir: dir, cleanup: { enabled: false } });
const checkpoint = factory.createMonitor('checkpoint');
const llm = factory.createMonitor('llm');
const pinoCheckpoint = pinoAsync(join(dir, 'pino-checkpoint.log'));
const pinoLlm = pinoAsync(join(dir, 'pino-llm.log'));
const otelCheckpoint = otelSdk(join(dir, 'otel-checkpoint.log'));
const otelLlm = otelSdk(join(dir, 'otel-llm.log'));
const registry = new client.Registry();
const histogram = new client.Histogram({ name: 'op_seconds', help: 'op', labelNames: ['module', 'operation', 'success'], registers: [registry] });
const llmHistogram = new client.Histogram({ name: 'llm_seconds', help: 'llm', labelNames: ['model', 'provider', 'success'], registers: [registry] });
const tokens = new client.Counter({ name: 'llm_tokens', help: 'tokens', labelNames: ['model', 'provider', 'kind'], registers: [registry] });

const flushPerflog = () => factory.flush();

async function scenario(title: string, contenders: Parameters<typeof runInterleaved>[0]): Promise<ContenderResult[]> {
  const results = await runInterleaved(contenders, { rounds: ROUNDS, opsPerRound: OPS });
  printRatios(title, results, 'pino');
  const byName = Object.fromEntries(results.map((r) => [r.name, r]));
  printRatio(`${title}: perflog / pino async`, byName['perflog']!, byName['pino']!);
  printRatio(`${title}: perflog / stock OTel SDK`, byName['perflog']!, byName['otelSdk']!);
  return results;
}

await scenario('checkpoint_save record (ns/record, lower is better)', {
  perflog: { op: () => checkpoint.recordCheckpointSave({ duration: 0.5, size: 1024, success: true }), flush: flushPerflog },
  pino: {
    op: () => pinoCheckpoint.logger.info({ metric_type: 'timer', operation: 'checkpoint_save', duration: 0.5, size: 1024, success: true, module: 'checkpoint' }),
    flush: pinoCheckpoint.flush,
  },
  otelSdk: {
    op: () => otelCheckpoint.emit('checkpoint_save', { metric_type: 'timer', operation: 'checkpoint_save', duration: 0.5, size: 1024, success: true, module: 'checkpoint' }),
    flush: otelCheckpoint.flush,
  },
  promClient: { op: () => histogram.observe({ module: 'checkpoint', operation: 'checkpoint_save', success: 'true' }, 0.5) },
});

await scenario('llm_call record (ns/record, lower is better)', {
  perflog: {
    op: () => llm.recordLlmCall({ model: 'gpt-4', provider: 'openai', responseTime: 2.1, promptTokens: 100, completionTokens: 200, totalTokens: 300, success: true }),
    flush: flushPerflog,
  },
  pino: {
    op: () => pinoLlm.logger.info({
      metric_type: 'timer', operation: 'llm_call', duration: 2.1, success: true, module: 'llm', model: 'gpt-4', provider: 'openai',
      prompt_tokens: 100, completion_tokens: 200, total_tokens: 300,
    }),
    flush: pinoLlm.flush,
  },
  otelSdk: {
    op: () => otelLlm.emit('llm_call', {
      metric_type: 'timer', operation: 'llm_call', duration: 2.1, success: true, module: 'llm', model: 'gpt-4', provider: 'openai',
      prompt_tokens: 100, completion_tokens: 200, total_tokens: 300,
    }),
    flush: otelLlm.flush,
  },
  promClient: {
    op: () => {
      llmHistogram.observe({ model: 'gpt-4', provider: 'openai', success: 'true' }, 2.1);
      tokens.inc({ model: 'gpt-4', provider: 'openai', kind: 'prompt' }, 100);
      tokens.inc({ model: 'gpt-4', provider: 'openai', kind: 'completion' }, 200);
    },
  },
});

const stats = factory.stats();
console.log(`\nperflog stats: ${JSON.stringify(stats)}`);
await factory.shutdown();
await pinoCheckpoint.close();
await pinoLlm.close();
await otelCheckpoint.close();
await otelLlm.close();
rmSync(dir, { recursive: true, force: true });
