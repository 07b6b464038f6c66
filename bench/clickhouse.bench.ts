/**
 * bench/clickhouse: the same question (by module,operation: counts, errors, duration min/mean/percentiles/max,
 * size and token totals) over the same records, answered three ways, rounds interleaved, medians printed:
 * - `perflog-clickhouse`: `queryMetrics({ source: { clickhouse } })` through `@clickhouse/client` and a loopback
 *   server speaking ClickHouse's HTTP interface in front of chDB (the real engine; the shim is one HTTP request);
 * - `handwritten-sql`: the floor, the query a ClickHouse user would write by hand, run in chDB directly;
 * - `perflog-files`: `queryMetrics` over the same records in perflog's local files.
 * Records: PERFLOG_BENCH_CH_RECORDS (default 10,000,000), loaded once into a chDB data directory and a log file under
 * bench/.out/clickhouse/ (the exporter's own table DDL; rows as the exporter writes them). Target: perflog-clickhouse
 * within 1.2x of handwritten-sql.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session } from 'chdb';
import { printRatio, quantile } from './harness.js';
import { queryMetrics } from '../src/query/query.js';
import { generateRecords } from '../test/fixtures/metrics-data.js';
import { createLogsTable, loadRecords } from '../test/helpers/clickhouse.js';
import { startClickHouseShim } from '../test/helpers/clickhouse-http.js';

const here = dirname(fileURLToPath(import.meta.url));
const RECORDS = Number(process.env['PERFLOG_BENCH_CH_RECORDS'] ?? 10_000_000);
const rounds = Number(process.env['PERFLOG_BENCH_ROUNDS'] ?? 5);
const out = join(here, '.out', 'clickhouse');
const dataDir = join(out, `chdb-${RECORDS}-v1`);
const logFile = join(out, `logs-${RECORDS}-v1`, 'app_metrics.log');

const HANDWRITTEN = `WITH ifNull(toFloat64OrNull(LogAttributes['duration']), -1) AS d
SELECT LogAttributes['module'] AS module, Body AS operation, count() AS count,
  countIf(LogAttributes['success'] = 'false') AS errors,
  minIf(d, d >= 0) AS min, avgIf(d, d >= 0) AS mean, maxIf(d, d >= 0) AS max,
  quantilesDDIf(0.0025, 0.5, 0.9, 0.95, 0.99)(d, d >= 0) AS percentiles,
  sum(toFloat64OrZero(LogAttributes['size'])) AS size, sum(toFloat64OrZero(LogAttributes['prompt_tokens'])) AS prompt_tokens,
  sum(toFloat64OrZero(LogAttributes['completion_tokens'])) AS completion_tokens, sum(toFloat64OrZero(LogAttributes['total_tokens'])) AS total_tokens
FROM otel.otel_logs
WHERE ScopeName = 'perflog'
GROUP BY module, operation`;

/** Writes the records once into chDB (as the exporter would) and into one perflog log file. */
async function prepare(): Promise<Session> {
  const ready = `${dataDir}.ready`;
  const fresh = !existsSync(ready);
  if (fresh) await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  const session = new Session(dataDir);
  if (fresh) {
    console.log(`loading ${RECORDS.toLocaleString('en-US')} records into chDB and ${logFile} (once)...`);
    createLogsTable(session);
    await mkdir(dirname(logFile), { recursive: true });
    const file = createWriteStream(`${logFile}.partial`);
    let text = '';
    function* records(): Generator<Record<string, string | number | boolean>> {
      for (const { record, line } of generateRecords(RECORDS, { seed: 7, gapMs: 2 })) {
        text += line;
        if (text.length >= 1 << 20) { file.write(text); text = ''; }
        yield record;
      }
    }
    await loadRecords(session, records(), { services: 50 });
    await new Promise<void>((resolve, reject) => { file.end(text, resolve); file.on('error', reject); });
    await rename(`${logFile}.partial`, logFile);
    session.query('OPTIMIZE TABLE otel.otel_logs FINAL');
    await writeFile(ready, '');
  }
  return session;
}

const session = await prepare();
const shim = await startClickHouseShim(session);
const rows = Number(session.query('SELECT count() FROM otel.otel_logs', 'TSV').trim());
console.log(`${rows.toLocaleString('en-US')} records in chDB (exporter DDL, 50 services) and in ${logFile}; ${rounds} interleaved rounds, medians`);

const contenders: Record<string, () => Promise<number>> = {
  'perflog-clickhouse': async () => (await queryMetrics({ source: { clickhouse: { url: shim.url } } })).rows.length,
  'handwritten-sql': async () => (await session.queryAsync(HANDWRITTEN, { format: 'JSONEachRow' })).text().trim().split('\n').length,
  // In its own process, as bench/query runs it (its worker threads cannot take this process's --expose-gc).
  'perflog-files': async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(here, 'query-contender.ts'), 'perflog', logFile]);
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as { seconds: number; rows: Record<string, unknown> };
    fileSeconds = report.seconds;
    return Object.keys(report.rows).length;
  },
};
/** Runs a child process to its end; rejects on a non-zero exit. */
function run(command: string, args: string[]): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ stdout }) : reject(new Error(`${command} exited ${code}`))));
  });
}
// The file contender's own clock (query time, not its process start), as bench/query reports it.
let fileSeconds = Number.NaN;
const seconds = new Map<string, number[]>(Object.keys(contenders).map((name) => [name, []]));
const names = Object.keys(contenders);
for (let round = 0; round <= rounds; round++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + round) % names.length]!;
    const start = performance.now();
    const groups = await contenders[name]!();
    const elapsed = name === 'perflog-files' ? fileSeconds : (performance.now() - start) / 1000;
    if (round > 0) seconds.get(name)!.push(elapsed); // round 0 warms up
    if (groups !== 7) throw new Error(`${name} returned ${groups} groups, expected 7`);
  }
}
await shim.close();
session.close();

const median = (values: number[]): number => quantile([...values].sort((a, b) => a - b), 0.5);
console.log(`\n${'contender'.padEnd(22)}${'seconds'.padStart(9)}${'Mrec/s'.padStart(9)}  runs (s)`);
for (const [name, list] of seconds) {
  console.log(`${name.padEnd(22)}${median(list).toFixed(3).padStart(9)}${(rows / median(list) / 1e6).toFixed(1).padStart(9)}  ${list.map((s) => s.toFixed(3)).join(' ')}`);
}
printRatio('perflog-clickhouse/handwritten-sql seconds (target <= 1.2)', median(seconds.get('perflog-clickhouse')!), median(seconds.get('handwritten-sql')!));
printRatio('perflog-files/perflog-clickhouse seconds', median(seconds.get('perflog-files')!), median(seconds.get('perflog-clickhouse')!));
