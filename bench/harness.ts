/**
 * Shared benchmark harness: contenders run in the same process, rounds interleaved (so drift and noise hit all
 * alike), each round flushed inside the clock, a full GC between contenders (one contender's garbage is never
 * collected in another's clock); prints settings, medians, spread and ratios. Timing is printed, never asserted.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateRecords } from '../test/fixtures/metrics-data.js';

export type Contender = {
  /** Records one metric. */
  op: () => void;
  /** Brings everything recorded so far to its destination (file written, exporter called). */
  flush?: () => void | Promise<void>;
  /** How it is configured, printed with the results. */
  settings?: string;
  /** Yield to the event loop (`setImmediate`) every this many records, as an app does between requests. */
  yieldEvery?: number;
};

export interface RunOptions {
  rounds: number;
  opsPerRound: number;
  /** Rounds run and thrown away first (JIT warm-up). */
  warmupRounds?: number;
}

export interface ContenderResult {
  name: string;
  /** ns per operation of every measured round. */
  samples: number[];
  medianNs: number;
  p25Ns: number;
  p75Ns: number;
}

/**
 * The clock, in milliseconds: wall time; with `PERFLOG_BENCH_CLOCK=cpu`, the process's CPU time (user + system, every
 * thread), which on a machine shared with other work leaves out the time this process waited for a core.
 */
const CPU_CLOCK = process.env['PERFLOG_BENCH_CLOCK'] === 'cpu';
function now(): number {
  if (!CPU_CLOCK) return performance.now();
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Runs every contender `rounds` times, in a rotating order, and returns per-contender ns/op samples. */
export async function runInterleaved(contenders: Record<string, Contender>, options: RunOptions): Promise<ContenderResult[]> {
  const names = Object.keys(contenders);
  const samples = new Map<string, number[]>(names.map((name) => [name, []]));
  const warmup = options.warmupRounds ?? 3;
  for (let round = 0; round < warmup + options.rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]!);
    for (const name of order) {
      const contender = contenders[name]!;
      const { op, flush, yieldEvery } = contender;
      collectGarbage();
      const start = now();
      if (yieldEvery === undefined) {
        for (let i = 0; i < options.opsPerRound; i++) op();
      } else {
        for (let i = 0; i < options.opsPerRound; i++) {
          op();
          if ((i + 1) % yieldEvery === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      }
      if (flush !== undefined) await flush();
      const ns = ((now() - start) * 1e6) / options.opsPerRound;
      if (round >= warmup) samples.get(name)!.push(ns);
    }
  }
  return names.map((name) => summarize(name, samples.get(name)!));
}

export function summarize(name: string, values: number[]): ContenderResult {
  const sorted = [...values].sort((a, b) => a - b);
  return { name, samples: values, medianNs: quantile(sorted, 0.5), p25Ns: quantile(sorted, 0.25), p75Ns: quantile(sorted, 0.75) };
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** A full GC when the benchmark runs with `--expose-gc` (`npm run bench` passes it); else nothing. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** A count from the environment (`PERFLOG_BENCH_<NAME>`), for quick runs with small counts; else `fallback`. */
export function countFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[`PERFLOG_BENCH_${name}`]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** Prints each contender's settings. */
export function printSettings(contenders: Record<string, Contender>): void {
  for (const [name, contender] of Object.entries(contenders)) {
    if (contender.settings !== undefined) console.log(`  ${name}: ${contender.settings}${contender.yieldEvery === undefined ? '' : `; yields to the event loop every ${contender.yieldEvery} records`}`);
  }
}

/** Prints a table of median ns/op, spread (p25-p75) and the ratio of each contender to `baseline`. */
export function printRatios(title: string, results: ContenderResult[], baseline: string): void {
  const base = results.find((r) => r.name === baseline);
  console.log(`\n${title}`);
  console.log(`${'contender'.padEnd(30)}${'median ns/op'.padStart(14)}${'p25-p75'.padStart(18)}${`  vs ${baseline}`.padStart(14)}`);
  for (const r of results) {
    const ratio = base === undefined ? '' : `${(r.medianNs / base.medianNs).toFixed(2)}x`;
    console.log(`${r.name.padEnd(30)}${r.medianNs.toFixed(0).padStart(14)}${`${r.p25Ns.toFixed(0)}-${r.p75Ns.toFixed(0)}`.padStart(18)}${ratio.padStart(14)}`);
  }
}

/** Prints one `ratio:` line, easy to grep from a bench log. */
export function printRatio(label: string, numerator: ContenderResult | number, denominator: ContenderResult | number): number {
  const a = typeof numerator === 'number' ? numerator : numerator.medianNs;
  const b = typeof denominator === 'number' ? denominator : denominator.medianNs;
  const ratio = a / b;
  console.log(`ratio: ${label} = ${ratio.toFixed(2)}x`);
  return ratio;
}

/** Heap in use after a full GC (needs `node --expose-gc`; `npm run bench` passes it). */
export function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed;
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Writes `count` generated records (`seed`) as JSON lines to `file` once: a file already there is kept between runs,
 * and a run stopped midway leaves only `<file>.partial`.
 */
export async function writeRecordsFile(file: string, count: number, seed: number): Promise<void> {
  if (existsSync(file)) return;
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  let text = '';
  for (const { line } of generateRecords(count, { seed })) {
    text += line;
    if (text.length >= 1 << 20) {
      if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      text = '';
    }
  }
  await new Promise<void>((resolve, reject) => { out.end(text, resolve); out.on('error', reject); });
  await rename(partial, file);
}
