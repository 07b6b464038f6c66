/**
 * `npm run demo`: a simulated LLM agent records metrics into logs/ for a few seconds (checkpoint saves and loads,
 * LLM calls across models and providers with some failures, tool calls, workflow nodes), then the per-operation
 * table is read back from those files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceMonitorFactory } from '../src/index.js';

const RUN_MILLIS = Number(process.env['DEMO_MILLIS'] ?? 3000);
const factory = PerformanceMonitorFactory.getInstance();
const checkpoint = factory.createMonitor('checkpoint');
const llm = factory.createMonitor('llm');
const tools = factory.createMonitor('tool');
const workflow = factory.createMonitor('workflow');

const MODELS = [
  { model: 'gpt-4o', provider: 'openai', medianSeconds: 1.8, failureRate: 0.03 },
  { model: 'claude-sonnet-4', provider: 'anthropic', medianSeconds: 2.2, failureRate: 0.02 },
  { model: 'llama-3.1-70b', provider: 'groq', medianSeconds: 0.6, failureRate: 0.08 },
];
const TOOLS = ['search', 'calculator', 'fetch_url', 'sql'];

/** A lognormal sample with the given median: latencies have long right tails. */
function lognormal(median: number, sigma = 0.5): number {
  const u = 1 - Math.random();
  const v = Math.random();
  return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

async function agentTurn(threadId: string): Promise<void> {
  const { model, provider, medianSeconds, failureRate } = pick(MODELS);
  const promptTokens = Math.round(lognormal(800, 0.6));
  const completionTokens = Math.round(lognormal(250, 0.7));
  const failed = Math.random() < failureRate;
  llm.recordLlmCall({
    model, provider, responseTime: lognormal(medianSeconds), promptTokens, completionTokens, success: !failed,
    error: failed ? pick(['RateLimitError', 'Timeout', 'APIConnectionError']) : undefined, attributes: { thread_id: threadId },
  });
  for (let i = Math.floor(Math.random() * 3); i > 0; i--) {
    tools.recordToolCall({ tool: pick(TOOLS), duration: lognormal(0.08, 0.9), success: Math.random() > 0.05, attributes: { thread_id: threadId } });
  }
  workflow.recordNodeExecution({ node: pick(['plan', 'act', 'reflect']), duration: lognormal(0.3), success: true });
  // A real async step, timed by the monitor itself:
  await checkpoint.time('state_serialize', () => new Promise((resolve) => setTimeout(resolve, Math.random() * 4)));
  checkpoint.recordCheckpointSave({ duration: lognormal(0.04), size: Math.round(lognormal(64_000, 0.8)), success: Math.random() > 0.01, attributes: { thread_id: threadId } });
  if (Math.random() < 0.3) checkpoint.recordCheckpointLoad({ duration: lognormal(0.02), size: Math.round(lognormal(64_000, 0.8)) });
}

const started = Date.now();
let turns = 0;
while (Date.now() - started < RUN_MILLIS) {
  await Promise.all(Array.from({ length: 8 }, (_, i) => agentTurn(`t${(turns + i) % 50}`)));
  turns += 8;
}
await factory.flush();
const stats = factory.stats();
console.log(`Simulated ${turns.toLocaleString('en-US')} agent turns in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
  `${stats.recordsWritten.toLocaleString('en-US')} records, ${(stats.bytesWritten / 1024).toFixed(0)} KB into ${factory.options.logDir}\n`);

// Read the records back from the files (the store) and print a per-operation table.
type Row = { count: number; errors: number; durations: number[] };
const rows = new Map<string, Row>();
const logDir = factory.options.logDir;
for (const file of readdirSync(logDir).filter((name) => /\.log(\.|$)/.test(name)).sort()) {
  for (const line of readFileSync(join(logDir, file), 'utf8').split('\n')) {
    if (line === '') continue;
    const record = JSON.parse(line) as { module: string; operation: string; duration?: number; success?: boolean };
    const key = `${record.module}\t${record.operation}`;
    const row = rows.get(key) ?? { count: 0, errors: 0, durations: [] };
    row.count++;
    if (record.success === false) row.errors++;
    if (typeof record.duration === 'number') row.durations.push(record.duration);
    rows.set(key, row);
  }
}
const ms = (seconds: number | undefined) => (seconds === undefined ? '-' : seconds < 1 ? `${(seconds * 1000).toFixed(1)} ms` : `${seconds.toFixed(2)} s`);
const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
console.log(`${'module'.padEnd(12)}${'operation'.padEnd(18)}${'count'.padStart(8)}${'errors'.padStart(8)}${'p50'.padStart(11)}${'p95'.padStart(11)}`);
for (const [key, row] of [...rows].sort()) {
  const [module, operation] = key.split('\t') as [string, string];
  const sorted = row.durations.sort((a, b) => a - b);
  console.log(`${module.padEnd(12)}${operation.padEnd(18)}${row.count.toLocaleString('en-US').padStart(8)}${row.errors.toLocaleString('en-US').padStart(8)}` +
    `${ms(percentile(sorted, 0.5)).padStart(11)}${ms(percentile(sorted, 0.95)).padStart(11)}`);
}
await factory.shutdown();
