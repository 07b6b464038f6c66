// local, uncommitted: old (22da648) vs new perflog vs a hand-written floor, interleaved
import { mkdtempSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceMonitorFactory as NewFactory } from '../src/index.js';
// @ts-expect-error local comparison only
import { PerformanceMonitorFactory as OldFactory } from '/tmp/sinks-base/src/index.ts';
import { runInterleaved, printRatios } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'perflog-cmp-'));
const nf = new NewFactory({ baseDir: join(dir, 'new'), cleanup: { enabled: false } });
// eslint-disable-next-line
const of = new OldFactory({ baseDir: join(dir, 'old'), cleanup: { enabled: false } });
const nc = nf.createMonitor('checkpoint');
const oc = of.createMonitor('checkpoint');
const nl = nf.createMonitor('llm');
const ol = of.createMonitor('llm');
const fd = openSync(join(dir, 'floor.log'), 'a');
let buf = '';
const floorFlush = () => { if (buf !== '') { writeSync(fd, buf); buf = ''; } };
let lastMs = -1; let lastText = '';
const floor = () => {
  const ms = Date.now();
  if (ms !== lastMs) { lastMs = ms; lastText = `${ms / 1000}`; }
  buf += `{"timestamp":${lastText},"metric_type":"timer","operation":"checkpoint_save","duration":${0.5},"size":${1024},"success":${true},"module":"checkpoint"}\n`;
  if (buf.length >= 65536) floorFlush();
};
const rounds = Number(process.argv[2] ?? 15);
const res = await runInterleaved({
  floor: { op: floor, flush: floorFlush },
  old: { op: () => oc.recordCheckpointSave({ duration: 0.5, size: 1024, success: true }), flush: () => of.flush() },
  new: { op: () => nc.recordCheckpointSave({ duration: 0.5, size: 1024, success: true }), flush: () => nf.flush() },
}, { rounds, opsPerRound: 50_000 });
printRatios('checkpoint', res, 'floor');
const res2 = await runInterleaved({
  old: { op: () => ol.recordLlmCall({ model: 'gpt-4', provider: 'openai', responseTime: 2.1, promptTokens: 100, completionTokens: 200, totalTokens: 300, success: true }), flush: () => of.flush() },
  new: { op: () => nl.recordLlmCall({ model: 'gpt-4', provider: 'openai', responseTime: 2.1, promptTokens: 100, completionTokens: 200, totalTokens: 300, success: true }), flush: () => nf.flush() },
}, { rounds, opsPerRound: 50_000 });
printRatios('llm', res2, 'old');
closeSync(fd);
await nf.shutdown(); await of.shutdown();

// provider path vs the stock SDK alone: the same Batch pipeline (exporter discarding), perflog emitting into it
const { BatchLogRecordProcessor, LoggerProvider } = await import('@opentelemetry/sdk-logs');
const noop = { export: (_l: unknown[], cb: (r: { code: number }) => void) => cb({ code: 0 }), forceFlush: () => Promise.resolve(), shutdown: () => Promise.resolve() };
const mk = () => new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter: noop as never, maxQueueSize: 60_000, maxExportBatchSize: 512 })] });
const pNew = mk(); const pOld = mk(); const pSdk = mk();
const fNew = new NewFactory({ baseDir: join(dir, 'pn'), loggerProvider: pNew, file: { enabled: false }, cleanup: { enabled: false } });
// eslint-disable-next-line
const fOld = new OldFactory({ baseDir: join(dir, 'po'), loggerProvider: pOld, file: { enabled: false }, cleanup: { enabled: false } });
const cNew = fNew.createMonitor('checkpoint'); const cOld = fOld.createMonitor('checkpoint');
const sdkLogger = pSdk.getLogger('app');
const res3 = await runInterleaved({
  sdk: { op: () => sdkLogger.emit({ body: 'checkpoint_save', attributes: { timestamp: Date.now() / 1000, metric_type: 'timer', operation: 'checkpoint_save', duration: 0.5, size: 1024, success: true, module: 'checkpoint' } }), flush: () => pSdk.forceFlush() },
  oldProvider: { op: () => cOld.recordCheckpointSave({ duration: 0.5, size: 1024, success: true }), flush: () => pOld.forceFlush() },
  newProvider: { op: () => cNew.recordCheckpointSave({ duration: 0.5, size: 1024, success: true }), flush: () => pNew.forceFlush() },
}, { rounds, opsPerRound: 50_000 });
printRatios('provider path (checkpoint record)', res3, 'sdk');
