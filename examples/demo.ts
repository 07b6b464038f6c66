/**
 * `npm run demo`: a simulated LLM agent records metrics into logs/ for a few seconds (checkpoint saves and loads,
 * LLM calls across models and providers with some failures, tool calls, workflow nodes), then the per-operation
 * `perflog stats` table is printed from those files and an HTML report written beside them.
 */
import { join } from 'node:path';
import { main } from '../src/cli.js';
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

await factory.shutdown();

// Read the records back from the files (the store): the `perflog stats` table, then the HTML report.
const io = { stdout: (text: string) => process.stdout.write(text), stderr: (text: string) => process.stderr.write(text), cwd: process.cwd() };
const reportPath = join(factory.options.logDir, 'report.html');
process.exitCode = (await main(['stats', '--dir', factory.options.logDir], io)) ||
  (await main(['report', '--dir', factory.options.logDir, '--out', reportPath], io));
