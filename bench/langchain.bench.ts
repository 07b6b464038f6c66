/**
 * `npm run bench -- langchain`: what perflog/langchain adds to a LangGraph app. Part 1 runs the same small agent
 * (ChatOpenAI + a tool, MemorySaver) against the local fake server with no instrumentation, with perflog (callbacks
 * and checkpointer) and with Langfuse's LangChain `CallbackHandler` (spans through the OTel SDK's
 * `BatchSpanProcessor` into a no-op exporter: all offline), rounds interleaved; added µs per graph run. Part 2 times
 * the pieces alone, in the same process: one node run, one model run and one tool run through each handler, one
 * checkpoint save through the instrumented and the bare saver. Timing is printed, never asserted.
 */
import { performance } from 'node:perf_hooks';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { AIMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import { MemorySaver, emptyCheckpoint } from '@langchain/langgraph';
import { CallbackHandler } from '@langfuse/langchain';
import { setLangfuseTracerProvider } from '@langfuse/tracing';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { startFakeLlmServer } from '../examples/support/fake-llm-server.js';
import { agentBehaviour, buildAgent } from '../examples/support/langgraph-agent.js';
import { PerformanceMonitorFactory } from '../src/index.js';
import { PerflogCallbackHandler, instrumentCheckpointer } from '../src/langchain/index.js';
import { quantile } from './harness.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 15);
const RUNS_PER_ROUND = 10;
const PIECES_PER_ROUND = 2_000;

const noopExporter: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: () => Promise.resolve() };
const tracerProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: noopExporter, maxQueueSize: 65_536 })] });
setLangfuseTracerProvider(tracerProvider);

const dir = await mkdtemp(join(tmpdir(), 'perflog-bench-langchain-'));
const factory = new PerformanceMonitorFactory({ baseDir: dir, cleanup: { enabled: false } });
const server = await startFakeLlmServer({ behaviour: agentBehaviour });
const input = { messages: [{ role: 'user', content: 'What is the weather in Paris?' }] };

const median = (values: number[]): number => quantile([...values].sort((a, b) => a - b), 0.5);

// Part 1: whole graph runs.
const graphs = {
  bare: { app: buildAgent({ baseURL: server.openaiBaseURL, checkpointer: new MemorySaver() }), callbacks: (): BaseCallbackHandler[] => [] },
  perflog: {
    app: buildAgent({ baseURL: server.openaiBaseURL, checkpointer: instrumentCheckpointer(new MemorySaver(), { factory }) }),
    callbacks: (): BaseCallbackHandler[] => [new PerflogCallbackHandler({ factory })],
  },
  langfuse: { app: buildAgent({ baseURL: server.openaiBaseURL, checkpointer: new MemorySaver() }), callbacks: (): BaseCallbackHandler[] => [new CallbackHandler()] },
};
const runSamples: Record<string, number[]> = { bare: [], perflog: [], langfuse: [] };
let thread = 0;
for (let round = 0; round < ROUNDS + 2; round++) {
  const names = Object.keys(graphs) as Array<keyof typeof graphs>;
  for (const name of names.map((_, i) => names[(i + round) % names.length]!)) {
    const { app, callbacks } = graphs[name];
    const start = performance.now();
    for (let i = 0; i < RUNS_PER_ROUND; i++) await app.invoke(input, { configurable: { thread_id: `t${thread++}` }, callbacks: callbacks() });
    if (name === 'perflog') await factory.flush();
    if (name === 'langfuse') await tracerProvider.forceFlush();
    if (round >= 2) runSamples[name]!.push(((performance.now() - start) * 1000) / RUNS_PER_ROUND);
  }
}
const bareUs = median(runSamples['bare']!);
const perflogAddedUs = median(runSamples['perflog']!) - bareUs;
const langfuseAddedUs = median(runSamples['langfuse']!) - bareUs;
console.log(`graph run (4 nodes, 2 model calls, 1 tool call, ~12 checkpoint operations), median of ${ROUNDS} rounds x ${RUNS_PER_ROUND} runs:`);
console.log(`  bare ${bareUs.toFixed(0)} µs/run; added: perflog ${perflogAddedUs.toFixed(0)} µs, langfuse ${langfuseAddedUs.toFixed(0)} µs` +
  ` (perflog/langfuse ${(perflogAddedUs / langfuseAddedUs).toFixed(2)})`);

// Part 2: the pieces alone.
const serialized = { lc: 1, type: 'not_implemented' as const, id: ['bench'] };
const output: LLMResult = { generations: [[{ text: '', message: new AIMessage({ content: 'x', usage_metadata: { input_tokens: 30, output_tokens: 9, total_tokens: 39 } } as never) } as never]] };
let runCounter = 0;
async function node(handler: BaseCallbackHandler): Promise<void> {
  const id = `n${runCounter++}`;
  await handler.handleChainStart?.(serialized, {}, id, undefined, ['graph:step:1'], { langgraph_node: 'agent', langgraph_step: 1 }, undefined, 'agent');
  await handler.handleChainEnd?.({}, id);
}
async function model(handler: BaseCallbackHandler): Promise<void> {
  const id = `m${runCounter++}`;
  await handler.handleChatModelStart?.(serialized, [[]], id, undefined, { invocation_params: { model: 'gpt-4o-mini' } }, [], { ls_model_name: 'gpt-4o-mini', ls_provider: 'openai' }, 'ChatOpenAI');
  await handler.handleLLMEnd?.(output, id);
}
async function toolRun(handler: BaseCallbackHandler): Promise<void> {
  const id = `t${runCounter++}`;
  await handler.handleToolStart?.(serialized, '{}', id, undefined, [], {}, 'get_weather');
  await handler.handleToolEnd?.('sunny', id);
}
const handlers = { perflog: new PerflogCallbackHandler({ factory }), langfuse: new CallbackHandler() };
const bareSaver = new MemorySaver();
const instrumentedSaver = instrumentCheckpointer(new MemorySaver(), { factory });
const checkpoint = emptyCheckpoint();
async function save(saver: MemorySaver): Promise<void> {
  await saver.put({ configurable: { thread_id: 'bench', checkpoint_ns: '' } }, { ...checkpoint, id: `c${runCounter++}` }, { source: 'loop', step: 1, parents: {} });
}
const pieces: Record<string, () => Promise<void>> = {
  'node perflog': () => node(handlers.perflog), 'node langfuse': () => node(handlers.langfuse),
  'model perflog': () => model(handlers.perflog), 'model langfuse': () => model(handlers.langfuse),
  'tool perflog': () => toolRun(handlers.perflog), 'tool langfuse': () => toolRun(handlers.langfuse),
  'save bare': () => save(bareSaver), 'save perflog': () => save(instrumentedSaver),
};
const pieceSamples: Record<string, number[]> = Object.fromEntries(Object.keys(pieces).map((name) => [name, []]));
for (let round = 0; round < ROUNDS + 2; round++) {
  for (const [name, piece] of Object.entries(pieces)) {
    const start = performance.now();
    for (let i = 0; i < PIECES_PER_ROUND; i++) await piece();
    if (name.endsWith('perflog')) await factory.flush();
    if (name.endsWith('langfuse')) await tracerProvider.forceFlush();
    if (round >= 2) pieceSamples[name]!.push(((performance.now() - start) * 1000) / PIECES_PER_ROUND);
  }
}
const us = (name: string): number => median(pieceSamples[name]!);
console.log(`\nper piece, median µs (of ${ROUNDS} rounds x ${PIECES_PER_ROUND}):`);
for (const kind of ['node', 'model', 'tool']) {
  console.log(`  ${kind.padEnd(6)} perflog ${us(`${kind} perflog`).toFixed(2).padStart(7)}  langfuse ${us(`${kind} langfuse`).toFixed(2).padStart(7)}` +
    `  ratio ${(us(`${kind} perflog`) / us(`${kind} langfuse`)).toFixed(2)}`);
}
console.log(`  checkpoint save: bare ${us('save bare').toFixed(2)}, instrumented ${us('save perflog').toFixed(2)}, added ${(us('save perflog') - us('save bare')).toFixed(2)} µs (no anchor measures checkpoints)`);
console.log(`\nrecords written ${factory.stats().recordsWritten}, dropped ${factory.stats().recordsDropped}`);

await server.close();
await factory.shutdown();
await tracerProvider.shutdown();
await rm(dir, { recursive: true, force: true });
