/**
 * bench/llm: what instrumenting a real OpenAI client costs, against the local fake LLM server (loopback, no delays).
 * Contenders, all on the same openai 6 client class (the anchor hooks only openai < 7): the client alone, the client
 * with perflog/openai (records written to a file), and the client with the contrib
 * @opentelemetry/instrumentation-openai (spans to a TracerProvider), enabled only during its own rounds. Rounds are
 * interleaved, responses replayed from memory (see replayFetch); prints median µs per call, the added µs per call against the plain client, ns per streamed chunk, and
 * perflog's added cost as a ratio of the anchor's. Langfuse's observeOpenAI needs its tracing stack and a backend,
 * so the contrib instrumentation is the anchor that runs offline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { metrics } from '@opentelemetry/api';
import type { MeterProvider } from '@opentelemetry/api';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import type OpenAI from 'openai';
import { startFakeLlmServer } from '../examples/support/fake-llm-server.js';
import { PerformanceMonitorFactory } from '../src/index.js';
import { LlmCall } from '../src/instrumentation/llm-call.js';
import { resolveMonitors } from '../src/instrumentation/shared.js';
import { observeStream } from '../src/instrumentation/stream.js';
import { observeChatChunk } from '../src/openai/chunks.js';
import { instrumentOpenAI } from '../src/openai/index.js';
import { OPENAI6_FIXTURE, installOpenAI6Fixture } from '../test/helpers/openai6-fixture.js';
import { printRatio, printRatios, summarize } from './harness.js';
import type { ContenderResult } from './harness.js';

const ROUNDS = 15;
const CALLS_PER_ROUND = 1000;
const STREAM_CHUNKS = 400;
const STREAMS_PER_ROUND = 20;

installOpenAI6Fixture();
const require = createRequire(join(OPENAI6_FIXTURE, 'package.json'));
const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai') as {
  OpenAIInstrumentation: new (config?: object) => {
    setTracerProvider(p: TracerProvider): void; setMeterProvider(p: MeterProvider): void; enable(): void; disable(): void;
  };
};
const contrib = new OpenAIInstrumentation({ enabled: false });
contrib.setTracerProvider(new TracerProvider());
contrib.setMeterProvider(metrics.getMeterProvider());
contrib.enable(); // hooks require('openai') below; disabled again except during its rounds
const OpenAI6 = (require('openai') as { default: typeof OpenAI }).default;
contrib.disable();

const server = await startFakeLlmServer({ behaviour: { chunks: 3 } });
const dir = mkdtempSync(join(tmpdir(), 'perflog-bench-llm-'));
const factory = new PerformanceMonitorFactory({ baseDir: dir, cleanup: { enabled: false } });
/**
 * The server's responses, fetched once per request shape and replayed from memory: the loopback round trip on a
 * shared 2-core machine varies by milliseconds, which would bury microseconds of instrumentation. The client still
 * does all its own work (request building, SSE parsing, Stream objects) on the server's real bytes.
 */
const replies = new Map<string, { body: string; headers: Headers }>();
async function replayFetch(url: string | URL | Request, init?: RequestInit): Promise<Response> {
  const key = typeof init?.body === 'string' ? init.body : '';
  let reply = replies.get(key);
  if (reply === undefined) {
    const response = await fetch(url, init);
    reply = { body: await response.text(), headers: response.headers };
    replies.set(key, reply);
  }
  return new Response(reply.body, { status: 200, headers: reply.headers });
}
const newClient = (): OpenAI => new OpenAI6({ apiKey: 'bench', baseURL: server.openaiBaseURL, maxRetries: 0, fetch: replayFetch });
const plain = newClient();
const perflog = instrumentOpenAI(newClient(), { factory });
const anchor = newClient();
const messages = [{ role: 'user' as const, content: 'hi' }];

type Run = (client: OpenAI) => Promise<number>;
const call: Run = async (client) => {
  await client.chat.completions.create({ model: 'm', messages });
  return 1;
};
const stream: Run = async (client) => {
  let chunks = 0;
  for await (const _ of await client.chat.completions.create({ model: 'm', messages, stream: true, stream_options: { include_usage: true } })) chunks++;
  return chunks;
};

/** Interleaved rounds; returns ns per call and ns per chunk samples for each contender. */
async function measure(run: Run, perRound: number): Promise<{ perCall: ContenderResult[]; perChunk: ContenderResult[] }> {
  const contenders: Array<[string, OpenAI, boolean]> = [['openai', plain, false], ['openai+perflog', perflog, false], ['openai+contrib', anchor, true]];
  const callSamples = new Map<string, number[]>(contenders.map(([name]) => [name, []]));
  const chunkSamples = new Map<string, number[]>(contenders.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS + 2; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const [name, client, isContrib] = contenders[(i + round) % contenders.length]!;
      if (isContrib) contrib.enable();
      let chunks = 0;
      const start = performance.now();
      for (let n = 0; n < perRound; n++) chunks += await run(client);
      const ns = (performance.now() - start) * 1e6;
      if (isContrib) contrib.disable();
      await factory.flush();
      if (round < 2) continue;
      callSamples.get(name)!.push(ns / perRound);
      chunkSamples.get(name)!.push(ns / chunks);
    }
  }
  const list = (samples: Map<string, number[]>): ContenderResult[] => [...samples].map(([name, values]) => summarize(name, values));
  return { perCall: list(callSamples), perChunk: list(chunkSamples) };
}

function added(results: ContenderResult[], name: string): number {
  return results.find((r) => r.name === name)!.medianNs - results.find((r) => r.name === 'openai')!.medianNs;
}

const calls = await measure(call, CALLS_PER_ROUND);
printRatios(`non-streamed chat completion (${CALLS_PER_ROUND} calls/round, ${ROUNDS} rounds): ns per call`, calls.perCall, 'openai');
const perflogAdded = added(calls.perCall, 'openai+perflog');
const contribAdded = added(calls.perCall, 'openai+contrib');
console.log(`added per call: perflog ${(perflogAdded / 1000).toFixed(1)} µs, contrib ${(contribAdded / 1000).toFixed(1)} µs`);
printRatio('perflog added cost per call / contrib added cost per call', perflogAdded, contribAdded);

server.setBehaviour({ chunks: STREAM_CHUNKS });
const streams = await measure(stream, STREAMS_PER_ROUND);
printRatios(`streamed chat completion, ${STREAM_CHUNKS} chunks: ns per chunk`, streams.perChunk, 'openai');
console.log(`added per streamed chunk (call cost included): perflog ${added(streams.perChunk, 'openai+perflog').toFixed(0)} ns, contrib ${added(streams.perChunk, 'openai+contrib').toFixed(0)} ns`);

// The stream wrapper alone, on an in-memory iterator of the same chunk objects: what perflog adds to each chunk's
// delivery without the SDK's parsing and the machine's scheduling noise around it.
const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null }] };
const CHUNKS = 20_000;
async function iterate(observed: boolean): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/require-await -- an async iterator like the SDK's, with nothing to wait for
  const source = { iterator: async function* chunks() { for (let i = 0; i < CHUNKS; i++) yield chunk; }, controller: new AbortController() };
  if (observed) observeStream(source, new LlmCall(resolveMonitors({ factory }), 'openai', 'm'), observeChatChunk);
  const iterator = source.iterator();
  while (!(await iterator.next()).done);
}
const wrapperSamples = new Map<string, number[]>([['iterator', []], ['iterator+perflog', []]]);
for (let round = 0; round < ROUNDS + 2; round++) {
  for (const name of round % 2 === 0 ? ['iterator', 'iterator+perflog'] : ['iterator+perflog', 'iterator']) {
    const start = performance.now();
    await iterate(name !== 'iterator');
    if (round >= 2) wrapperSamples.get(name)!.push(((performance.now() - start) * 1e6) / CHUNKS);
  }
}
const wrapper = [...wrapperSamples].map(([name, values]) => summarize(name, values));
printRatios(`stream wrapper alone, ${CHUNKS} in-memory chunks: ns per chunk`, wrapper, 'iterator');
console.log(`added per chunk by the wrapper: ${(wrapper[1]!.medianNs - wrapper[0]!.medianNs).toFixed(0)} ns`);

await factory.shutdown();
await server.close();
rmSync(dir, { recursive: true, force: true });
