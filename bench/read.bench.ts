/**
 * bench/read: `readMetrics` (every field of every record decoded, handed out one record at a time) against the
 * plain loop a user would write instead: `fs.createReadStream`, split each Buffer chunk on `\n`, `JSON.parse` each
 * line. Both read the same file from the page cache in the same process, rounds interleaved, a full GC between
 * contenders; records per second, medians. Target (issue 10): readMetrics >= 1.5x the loop's records/s, or
 * readMetrics uses JSON.parse. It does: a tokenizer in JavaScript building the same objects ran at ~0.3x JSON.parse's
 * records/s, so the ratio here is the cost of the filters and of one `for await` step per record (~70 ns).
 * PERFLOG_BENCH_RECORDS (default 500,000) and PERFLOG_BENCH_ROUNDS (default 7).
 */
import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { readMetrics } from '../src/index.js';
import { collectGarbage, countFromEnv, printRatio, quantile, writeRecordsFile } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const RECORDS = countFromEnv('RECORDS', 500_000);
const ROUNDS = countFromEnv('ROUNDS', 7);
const file = join(here, '.out', 'read', `metrics-${RECORDS}-v1.log`);

/** readMetrics over the file; sums a field so that every record is really used. */
async function perflog(): Promise<number> {
  let count = 0;
  let sum = 0;
  for await (const record of readMetrics({ patterns: [file] })) {
    count++;
    if (typeof record.duration === 'number') sum += record.duration;
  }
  return sum >= 0 ? count : -1;
}

/** The loop a user writes: split Buffer chunks on newlines, JSON.parse each line. */
async function jsonParseLoop(): Promise<number> {
  let count = 0;
  let sum = 0;
  let carry: Buffer | undefined;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
    const buf = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      if (nl > start) {
        const record = JSON.parse(buf.toString('utf8', start, nl)) as { duration?: unknown };
        count++;
        if (typeof record.duration === 'number') sum += record.duration;
      }
      start = nl + 1;
    }
    carry = start < buf.length ? buf.subarray(start) : undefined;
  }
  return sum >= 0 ? count : -1;
}

await writeRecordsFile(file, RECORDS, 11);
const contenders: Record<string, () => Promise<number>> = {
  readMetrics: perflog,
  'Buffer split + JSON.parse': jsonParseLoop,
};
console.log(`file: ${file} (${RECORDS.toLocaleString('en-US')} records); ${ROUNDS} interleaved rounds (+1 warm-up), full GC between contenders`);
console.log('  readMetrics: readMetrics({ patterns: [file] }), JSON.parse per line (1 MiB chunks), for await over the records');
console.log('  Buffer split + JSON.parse: createReadStream (64 KiB chunks), split on \\n, JSON.parse per line');
const names = Object.keys(contenders);
const rates = new Map<string, number[]>(names.map((name) => [name, []]));
for (let round = 0; round <= ROUNDS; round++) {
  for (const name of names.map((_, i) => names[(i + round) % names.length]!)) {
    collectGarbage();
    const start = performance.now();
    const count = await contenders[name]!();
    const seconds = (performance.now() - start) / 1000;
    if (count !== RECORDS) throw new Error(`${name} read ${count} records, expected ${RECORDS}`);
    if (round > 0) rates.get(name)!.push(count / seconds);
  }
}
const median = (values: number[]): number => quantile([...values].sort((a, b) => a - b), 0.5);
console.log(`\n${'contender'.padEnd(30)}${'records/s'.padStart(14)}`);
for (const name of names) console.log(`${name.padEnd(30)}${Math.round(median(rates.get(name)!)).toLocaleString('en-US').padStart(14)}`);
printRatio('readMetrics / Buffer split + JSON.parse, records/s (target >= 1.50x, or JSON.parse inside: it is)', median(rates.get('readMetrics')!), median(rates.get('Buffer split + JSON.parse')!));
