/**
 * bench/llm: what instrumenting a real OpenAI client costs, against the local fake LLM server (loopback, no delays).
 * Contenders, all clients of openai 6 (the anchor hooks only openai < 7): the client alone, the client with
 * perflog/openai (records written to a file), and a client of a second load of openai that the contrib
 * @opentelemetry/instrumentation-openai instruments for the whole run (spans through a BatchSpanProcessor to a
 * JSON-lines file). Responses are replayed from memory (see replayFetch). Each round runs every contender once, in a
 * rotating order, no GC forced (see bench/README.md), its flush (the file write) inside its clock; a contender's
 * added cost is the median over rounds of its time minus the plain client's time in the same round (paired
 * differences). The non-streamed calls are measured in 3 processes of their own (PERFLOG_BENCH_LLM_PROCESSES), one after the other, and the figure
 * is the median of their ratios: from one process to the next the anchor's added cost moved by up to 2.5x (how the
 * heap and the JIT settle in a process is the process's), far more than within one.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { metrics } from '@opentelemetry/api';
import type { MeterProvider } from '@opentelemetry/api';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type OpenAI from 'openai';
import { startFakeLlmServer } from '../examples/support/fake-llm-server.js';
import { PerformanceMonitorFactory } from '../src/index.js';
import { LlmCall } from '../src/instrumentation/llm-call.js';
import { resolveMonitors } from '../src/instrumentation/shared.js';
import { observeStream } from '../src/instrumentation/stream.js';
import { observeChatChunk } from '../src/openai/chunks.js';
import { instrumentOpenAI } from '../src/openai/index.js';
import { OPENAI6_FIXTURE, installOpenAI6Fixture } from '../test/helpers/openai6-fixture.js';
import { JsonLinesFile } from './anchors.js';
import { countFromEnv, printRatio, printRatios, quantile, summarize } from './harness.js';
import type { ContenderResult } from './harness.js';

const ROUNDS = countFromEnv('ROUNDS', 300);
const WARMUP_ROUNDS = 3;
const CALLS_PER_ROUND = countFromEnv('OPS', 250);
const STREAM_ROUNDS = Math.max(5, Math.round(ROUNDS / 4));
const STREAM_CHUNKS = 400;
const STREAMS_PER_ROUND = 20;
/** Processes of their own for the non-streamed calls (see the file's header). */
const CALL_PROCESSES = countFromEnv('LLM_PROCESSES', 3);
/** Set in those processes: they measure the non-streamed calls only. */
const CALLS_CHILD_ENV = 'PERFLOG_BENCH_LLM_CALLS';

/**
 * The anchor's exporter: each span as one JSON line (name, ids, times, status, attributes), buffered like perflog's
 * file exporter (64 KiB, `writeSync`), so both contenders pay for a real file write of what they recorded.
 */
class JsonLinesSpanExporter extends JsonLinesFile<ReadableSpan> implements SpanExporter {
  constructor(path: string) {
    super(path, (span) => {
      const { traceId, spanId } = span.spanContext();
      return {
        name: span.name, trace_id: traceId, span_id: spanId, start: span.startTime[0] + span.startTime[1] / 1e9,
        duration: span.duration[0] + span.duration[1] / 1e9, status: span.status.code, ...span.attributes,
      };
    });
  }
}

const dir = mkdtempSync(join(tmpdir(), 'perflog-bench-llm-'));
installOpenAI6Fixture();
const require = createRequire(join(OPENAI6_FIXTURE, 'package.json'));
const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai') as {
  OpenAIInstrumentation: new (config?: object) => {
    setTracerProvider(p: TracerProvider): void; setMeterProvider(p: MeterProvider): void; enable(): void;
  };
};
const spanExporter = new JsonLinesSpanExporter(join(dir, 'spans.jsonl'));
// OTel's defaults (maxQueueSize 2048, maxExportBatchSize 512, scheduledDelayMillis 5000): a round's spans fit the queue.
const tracerProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: spanExporter })] });
const contrib = new OpenAIInstrumentation({ enabled: false });
contrib.setTracerProvider(tracerProvider);
contrib.setMeterProvider(metrics.getMeterProvider());
// Two loads of the same openai 6 package: the plain and perflog clients are of the first, loaded before the contrib
// hooks `require`; the anchor's are of the second, which the contrib instruments (it patches the classes it loads).
// Each contender then runs steadily, nothing enabled and disabled between rounds.
const OpenAI6 = (require('openai') as { default: typeof OpenAI }).default;
for (const path of Object.keys(require.cache)) if (path.includes(`${sep}node_modules${sep}openai${sep}`)) delete require.cache[path];
contrib.enable();
const OpenAI6Traced = (require('openai') as { default: typeof OpenAI }).default;
if (OpenAI6Traced === OpenAI6) throw new Error('bench/llm: the second load of openai is the first one');

const server = await startFakeLlmServer({ behaviour: { chunks: 3 } });
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
const anchor = new OpenAI6Traced({ apiKey: 'bench', baseURL: server.openaiBaseURL, maxRetries: 0, fetch: replayFetch });
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

interface Measured {
  /** ns per call (or per chunk) of each contender, every measured round. */
  results: ContenderResult[];
  /** Per contender but the plain client: its figure minus the plain client's in the same round, every measured round. */
  added: Map<string, number[]>;
}

function paired(samples: Map<string, number[]>): Measured {
  const base = samples.get('openai')!;
  const added = new Map([...samples].filter(([name]) => name !== 'openai').map(([name, values]) => [name, values.map((v, i) => v - base[i]!)]));
  return { results: [...samples].map(([name, values]) => summarize(name, values)), added };
}

/** The process's CPU time (user + system) in ns: unlike wall time, it leaves out the time other processes run. */
function cpuNs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/**
 * Rounds of `perRound` runs of every contender, in a rotating order, no GC forced, and each contender's flush
 * inside its clock; `unit` turns a contender's round (ns, runs, chunks) into the figure compared (ns per call, per
 * chunk), in wall time and in the process's CPU time. The plain client of the same round is the baseline of each
 * paired difference: the machine's drift hits the three contenders of a round alike, and the median of the
 * differences drops the rounds a burst of noise hit.
 */
async function measure(
  run: Run, perRound: number, rounds: number, unit: (ns: number, runs: number, chunks: number) => number,
): Promise<{ wall: Measured; cpu: Measured }> {
  const contenders: Array<[string, OpenAI, (() => Promise<void>) | undefined]> = [
    ['openai', plain, undefined],
    ['openai+perflog', perflog, () => factory.flush()],
    ['openai+contrib', anchor, () => tracerProvider.forceFlush()],
  ];
  const wall = new Map<string, number[]>(contenders.map(([name]) => [name, []]));
  const cpu = new Map<string, number[]>(contenders.map(([name]) => [name, []]));
  for (let round = 0; round < WARMUP_ROUNDS + rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const [name, client, flush] = contenders[(i + round) % contenders.length]!;
      let chunks = 0;
      const cpuStart = cpuNs();
      const start = performance.now();
      for (let n = 0; n < perRound; n++) chunks += await run(client);
      if (flush !== undefined) await flush();
      const wallNs = (performance.now() - start) * 1e6;
      const cpuUsed = cpuNs() - cpuStart;
      if (round < WARMUP_ROUNDS) continue;
      wall.get(name)!.push(unit(wallNs, perRound, chunks));
      cpu.get(name)!.push(unit(cpuUsed, perRound, chunks));
    }
  }
  return { wall: paired(wall), cpu: paired(cpu) };
}

/** Prints the median and spread of each contender's paired added cost; returns the medians by name. */
function printAdded(title: string, measured: Measured, scale: number, unitName: string): Map<string, number> {
  console.log(`added ${title} (median of per-round paired differences, p25 to p75):`);
  const medians = new Map<string, number>();
  for (const [name, values] of measured.added) {
    const sorted = [...values].sort((x, y) => x - y);
    const median = quantile(sorted, 0.5);
    medians.set(name, median);
    const fmt = (v: number): string => (v / scale).toFixed(scale === 1 ? 0 : 2);
    console.log(`  ${name.padEnd(28)}${`${fmt(median)} ${unitName}`.padStart(12)}   ${fmt(quantile(sorted, 0.25))} to ${fmt(quantile(sorted, 0.75))}`);
  }
  return medians;
}

/** Ends the run: the factory, the anchor's provider, the server and the files. */
async function finish(): Promise<void> {
  await factory.shutdown();
  await tracerProvider.shutdown();
  await server.close();
  if (process.env['PERFLOG_BENCH_KEEP'] === undefined) rmSync(dir, { recursive: true, force: true });
  else console.log(dir);
}

/** The non-streamed ratios a process of its own prints on this line's tail, as JSON, for the run's median. */
const RATIOS_LINE = 'llm-call-ratios ';
if (process.env[CALLS_CHILD_ENV] === '1') {
  const calls = await measure(call, CALLS_PER_ROUND, ROUNDS, (ns, runs) => ns / runs);
  const ratios: Record<string, number> = {};
  for (const [clock, measured] of [['wall', calls.wall], ['CPU', calls.cpu]] as const) {
    printRatios(`non-streamed chat completion (${CALLS_PER_ROUND} calls/round, ${ROUNDS} rounds): ${clock} ns per call`, measured.results, 'openai');
    const callAdded = printAdded(`${clock} time per call`, measured, 1000, 'µs');
    ratios[clock] = printRatio(`perflog added cost per call / contrib added cost per call (${clock} time)`, callAdded.get('openai+perflog')!, callAdded.get('openai+contrib')!);
  }
  console.log(`${RATIOS_LINE}${JSON.stringify(ratios)}`);
  await finish();
  process.exit(0);
}

// The non-streamed calls run in processes of their own (see the file's header); their median ratio is the figure.
const processRatios = new Map<string, number[]>([['wall', []], ['CPU', []]]);
for (let run = 1; run <= CALL_PROCESSES; run++) {
  console.log(`\n--- non-streamed calls, process ${run} of ${CALL_PROCESSES} ---`);
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, [CALLS_CHILD_ENV]: '1' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  for (const line of child.stdout.split('\n')) {
    if (!line.startsWith(RATIOS_LINE)) console.log(line);
    else for (const [clock, ratio] of Object.entries(JSON.parse(line.slice(RATIOS_LINE.length)) as Record<string, number>)) processRatios.get(clock)!.push(ratio);
  }
  if (child.status !== 0) throw new Error(`bench/llm: the non-streamed process ${run} failed (${child.status ?? child.signal}):\n${child.stderr}`);
}
for (const [clock, ratios] of processRatios) {
  const sorted = [...ratios].sort((x, y) => x - y);
  console.log(`ratio: perflog added cost per call / contrib added cost per call (${clock} time), median of ${sorted.length} processes `
    + `= ${quantile(sorted, 0.5).toFixed(2)}x (each: ${ratios.map((r) => `${r.toFixed(2)}x`).join(', ')})`);
}

server.setBehaviour({ chunks: STREAM_CHUNKS });
const streams = await measure(stream, STREAMS_PER_ROUND, STREAM_ROUNDS, (ns, _runs, chunks) => ns / chunks);
for (const [clock, measured] of [['wall', streams.wall], ['CPU', streams.cpu]] as const) {
  printRatios(`streamed chat completion, ${STREAM_CHUNKS} chunks (${STREAMS_PER_ROUND} streams/round, ${STREAM_ROUNDS} rounds): ${clock} ns per chunk`, measured.results, 'openai');
  printAdded(`${clock} time per streamed chunk (call cost included)`, measured, 1, 'ns');
}

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

await finish();
