/**
 * Many processes, one file: 4 child processes write at full speed into the same perflog module file, rotated every
 * 8 MiB (about 12 rotations a round: lock, inode checks and reopening included), against 4 processes with pino each
 * writing a file of its own. Prints total records per second (all records / from the first start to the last end,
 * process start-up and a 20,000-record warm-up excluded), medians over rounds alternating the two, and the ratio.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printRatio, quantile } from './harness.js';

const PROCESSES = 4;
const RECORDS_PER_PROCESS = 200_000;
const ROUNDS = 5;
const CHILD = fileURLToPath(new URL('./multiprocess-child.ts', import.meta.url));

type Kind = 'perflog' | 'pino';

async function round(kind: Kind): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), `perflog-bench-mp-${kind}-`));
  try {
    const children: ChildProcess[] = [];
    for (let i = 0; i < PROCESSES; i++) {
      children.push(fork(CHILD, [kind, dir, String(i), String(RECORDS_PER_PROCESS)], { execArgv: ['--import', 'tsx'] }));
    }
    await Promise.all(children.map((child) => once(child, 'message')));
    const reports = children.map(async (child) => (await once(child, 'message'))[0] as { startMs: number; endMs: number });
    for (const child of children) child.send('go');
    const times = await Promise.all(reports);
    await Promise.all(children.filter((child) => child.exitCode === null).map((child) => once(child, 'exit')));
    const seconds = (Math.max(...times.map((t) => t.endMs)) - Math.min(...times.map((t) => t.startMs))) / 1000;
    return (PROCESSES * RECORDS_PER_PROCESS) / seconds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const samples: Record<Kind, number[]> = { perflog: [], pino: [] };
await round('perflog'); // warm-up: disk caches, tsx's compile cache
for (let i = 0; i < ROUNDS; i++) {
  for (const kind of (i % 2 === 0 ? ['perflog', 'pino'] : ['pino', 'perflog']) as Kind[]) samples[kind].push(await round(kind));
}

console.log(`\n${PROCESSES} processes x ${RECORDS_PER_PROCESS.toLocaleString('en')} records, ${ROUNDS} rounds each, total records/s`);
console.log(`${'contender'.padEnd(34)}${'median rec/s'.padStart(14)}${'p25-p75'.padStart(22)}`);
const median: Record<Kind, number> = { perflog: 0, pino: 0 };
for (const kind of ['perflog', 'pino'] as Kind[]) {
  const sorted = [...samples[kind]].sort((a, b) => a - b);
  median[kind] = quantile(sorted, 0.5);
  const label = kind === 'perflog' ? 'perflog, one shared file, 8 MiB' : 'pino, 4 separate files';
  const spread = `${quantile(sorted, 0.25).toFixed(0)}-${quantile(sorted, 0.75).toFixed(0)}`;
  console.log(`${label.padEnd(34)}${median[kind].toFixed(0).padStart(14)}${spread.padStart(22)}`);
}
printRatio('perflog shared file / pino separate files (records/s)', median.perflog, median.pino);
