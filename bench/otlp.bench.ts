/**
 * bench/otlp: the cost of OTLP export on the recording call, and memory through a collector outage.
 *
 * 1. Hot path (ns per record, flush outside the timed loop): perflog file-only, perflog with OTLP (the shipper tails
 *    the files in the background), and the stock OTel SDK pipeline (LoggerProvider + BatchLogRecordProcessor +
 *    OTLPLogExporter) sending to the same loopback receiver. Every round is fully delivered before the next.
 * 2. End to end (harness rounds, flush timed): record, write, ship, 2xx. Also the `loggerProvider` path: perflog
 *    emitting into a user's provider (BatchLogRecordProcessor sized to the round + OTLPLogExporter, file off) against
 *    that stock SDK pipeline alone.
 * 3. Outage at full speed for PERFLOG_BENCH_OUTAGE_SECONDS (default 15; the figure is 60): peak heap +
 *    off-heap buffers, sampled, while the collector is down.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SeverityNumber } from '@opentelemetry/api';
import type { Logger } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { PerformanceMonitorFactory } from '../src/index.js';
import { countFromEnv, heapAfterGc, mb, printRatio, printRatios, printSettings, runInterleaved, summarize } from './harness.js';
import type { Contender } from './harness.js';

const ROUNDS = countFromEnv('ROUNDS', 15);
const OPS_PER_ROUND = countFromEnv('OPS', 20_000);
const OUTAGE_SECONDS = Number(process.env['PERFLOG_BENCH_OUTAGE_SECONDS'] ?? 15);

let received = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.keepAliveTimeout = 200;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/logs`;
const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'perflog-bench-otlp-'));
  dirs.push(dir);
  return dir;
};

function perflog(otlp: boolean, endpoint = url, fileEnabled = true): PerformanceMonitorFactory {
  return new PerformanceMonitorFactory({
    baseDir: tempDir(), cleanup: { enabled: false }, file: { enabled: fileEnabled },
    otlp: { enabled: otlp, endpoint, timeoutMillis: 10_000 },
  });
}

function stockSdk(endpoint = url, maxQueueSize = OPS_PER_ROUND): LoggerProvider {
  const exporter = new OTLPLogExporter({ url: endpoint, timeoutMillis: 10_000 });
  return new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter, maxQueueSize, maxExportBatchSize: 512 })] });
}

/** The same record through the stock SDK: the same attributes perflog writes. */
function emitStock(logger: Logger): void {
  logger.emit({
    body: 'tool_call', severityNumber: SeverityNumber.INFO, severityText: 'INFO',
    attributes: { timestamp: Date.now() / 1000, metric_type: 'timer', operation: 'tool_call', duration: 0.012, success: true, module: 'tool', tool: 'search' },
  });
}

const fileOnly = perflog(false);
const withOtlp = perflog(true);
const sdk = stockSdk();
// the loggerProvider path: the user's own provider (Batch + OTLP), perflog emitting into it, no file
const userProvider = stockSdk();
const viaProvider = new PerformanceMonitorFactory({ baseDir: tempDir(), cleanup: { enabled: false }, file: { enabled: false }, loggerProvider: userProvider });
const providerTools = viaProvider.createMonitor('tool');
const fileTools = fileOnly.createMonitor('tool');
const otlpTools = withOtlp.createMonitor('tool');
const otelLogger = sdk.getLogger('bench');
const record = { tool: 'search', duration: 0.012, success: true };
const contenders: Record<string, Contender> = {
  'perflog file-only': { op: () => fileTools.recordToolCall(record), flush: () => fileOnly.flush() },
  'perflog + OTLP': { op: () => otlpTools.recordToolCall(record), flush: () => withOtlp.flush() },
  'OTel SDK batch+OTLP': { op: () => emitStock(otelLogger), flush: () => sdk.forceFlush() },
};
const settings: Record<string, string> = {
  'perflog file-only': 'file-only defaults, flush() (file written)',
  'perflog + OTLP': 'otlp: { enabled: true } (the shipper tails the files), flush() = written, shipped, 2xx',
  'OTel SDK batch+OTLP': `LoggerProvider + BatchLogRecordProcessor({ maxQueueSize: ${OPS_PER_ROUND}, maxExportBatchSize: 512 }) + OTLPLogExporter (http/json), forceFlush()`,
};
for (const [name, contender] of Object.entries(contenders)) contender.settings = settings[name] ?? '';
printSettings(contenders);

// 1. hot path: only the recording calls are timed; each round is delivered (flushed) and collected before the next
const names = Object.keys(contenders);
const samples = new Map<string, number[]>(names.map((name) => [name, []]));
for (let round = 0; round < ROUNDS + 3; round++) {
  for (const name of names.map((_, i) => names[(i + round) % names.length]!)) {
    const { op, flush } = contenders[name]!;
    const start = performance.now();
    for (let i = 0; i < OPS_PER_ROUND; i++) op();
    const ns = ((performance.now() - start) * 1e6) / OPS_PER_ROUND;
    await flush?.();
    heapAfterGc(); // the garbage of one contender's shipping must not land in the next one's timed loop
    if (round >= 3) samples.get(name)!.push(ns);
  }
}
const hot = names.map((name) => summarize(name, samples.get(name)!));
printRatios(`hot path: ns per record, flush outside the timing (${ROUNDS} rounds x ${OPS_PER_ROUND} records)`, hot, 'perflog file-only');
printRatio('hot path perflog+OTLP / perflog file-only', hot[1]!, hot[0]!);
printRatio('hot path perflog+OTLP / OTel SDK batch+OTLP', hot[1]!, hot[2]!);

// 2. end to end: the flush (ship everything, collector answered) is timed too
const e2e = await runInterleaved(contenders, { rounds: 7, opsPerRound: OPS_PER_ROUND, warmupRounds: 1 });
printRatios('end to end: record + write + ship + 2xx, ns per record', e2e, 'OTel SDK batch+OTLP');
printRatio('end to end perflog+OTLP / OTel SDK batch+OTLP', e2e[1]!, e2e[2]!);
printRatio('end to end perflog+OTLP / perflog file-only (hot path + flush to the file)', e2e[1]!, e2e[0]!);
console.log(`exported: perflog ${withOtlp.stats().recordsExported} records, exportErrors ${withOtlp.stats().exportErrors}; receiver requests ${received}`);

// the loggerProvider path against the stock SDK alone (both end to end: emitted, batched, exported, 2xx)
const providerContenders: Record<string, Contender> = {
  'perflog -> loggerProvider': {
    op: () => providerTools.recordToolCall(record),
    flush: async () => {
      await viaProvider.flush();
      await userProvider.forceFlush();
    },
    settings: 'new PerformanceMonitorFactory({ loggerProvider, file: { enabled: false } }), the user\'s provider as below; flush() + forceFlush()',
  },
  'OTel SDK alone': { op: () => emitStock(otelLogger), flush: () => sdk.forceFlush(), settings: settings['OTel SDK batch+OTLP']! },
};
console.log('\nloggerProvider path:');
printSettings(providerContenders);
const providerPath = await runInterleaved(providerContenders, { rounds: 7, opsPerRound: OPS_PER_ROUND, warmupRounds: 1 });
printRatios('loggerProvider path, end to end, ns per record', providerPath, 'OTel SDK alone');
printRatio('perflog -> loggerProvider / OTel SDK alone', providerPath[0]!, providerPath[1]!);
await Promise.all([fileOnly.shutdown(), withOtlp.shutdown(), viaProvider.shutdown(), sdk.shutdown()]);
await userProvider.shutdown();

// 3. outage at full speed: nothing listens on the endpoint
await new Promise<void>((resolve) => {
  server.close(() => resolve());
  server.closeAllConnections();
});
const downUrl = url;
/** Records at full speed while the collector is down; shutdowns are not awaited (they would wait for it). */
async function outage(label: string, op: () => void, note: () => string, done: () => void): Promise<void> {
  const live = (): number => {
    const { heapUsed, external } = process.memoryUsage();
    return heapUsed + external;
  };
  const collected = (): number => {
    heapAfterGc();
    return live();
  };
  const before = collected();
  let peak = 0;
  let peakRetained = 0;
  let count = 0;
  let nextGcMs = Date.now() + 1000;
  const until = Date.now() + OUTAGE_SECONDS * 1000;
  while (Date.now() < until) {
    for (let i = 0; i < 10_000; i++) op();
    count += 10_000;
    peak = Math.max(peak, live());
    if (Date.now() >= nextGcMs) {
      peakRetained = Math.max(peakRetained, collected()); // what survives a full GC, once a second
      nextGcMs = Date.now() + 1000;
    }
    await new Promise((resolve) => setImmediate(resolve)); // let the shipper/exporter run (and fail) meanwhile
  }
  console.log(`${label.padEnd(26)} ${(count / 1e6).toFixed(1).padStart(5)}M records; heap+buffers before ${mb(before)}, `
    + `peak ${mb(peak)} (garbage included), peak retained ${mb(peakRetained)}, end ${mb(collected())}; ${note()}`);
  done();
  await new Promise((resolve) => setTimeout(resolve, 100));
}
console.log(`\noutage at full speed for ${OUTAGE_SECONDS} s each (collector down)`);
{
  const factory = perflog(false, downUrl);
  const tools = factory.createMonitor('tool');
  await outage('perflog file-only', () => tools.recordToolCall(record), () => 'reference: no export at all', () => {
    void factory.shutdown();
    rmSync(dirs.at(-1)!, { recursive: true, force: true });
  });
}
{
  const factory = perflog(true, downUrl);
  const tools = factory.createMonitor('tool');
  await outage('perflog + OTLP (files)', () => tools.recordToolCall(record),
    () => `nothing lost: ${mb(factory.stats().bytesWritten)} spooled in the files, exportErrors ${factory.stats().exportErrors}`,
    () => {
      void factory.shutdown();
      rmSync(dirs.at(-1)!, { recursive: true, force: true });
    });
}
{
  const provider = stockSdk(downUrl, 2048);
  const logger = provider.getLogger('bench');
  await outage('OTel SDK batch+OTLP', () => emitStock(logger),
    () => 'queue bounded by maxQueueSize (2048 records): everything beyond it dropped, uncounted', () => void provider.shutdown().catch(() => undefined));
}
{
  const factory = perflog(true, downUrl, false);
  const tools = factory.createMonitor('tool');
  await outage('perflog + OTLP (no files)', () => tools.recordToolCall(record),
    () => `memory queue full at 16 MiB: ${factory.stats().recordsDropped} records dropped (counted)`, () => void factory.shutdown());
}
for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
process.exit(0);
