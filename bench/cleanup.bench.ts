/**
 * bench/cleanup: perflog's retention cleaner against `find logs -name '*.log*' -mtime +30 [-delete]` on identical
 * trees of nested files, half of them expired. Dry runs are compared with find without -delete (both only list),
 * real runs with find -delete; each contender runs in its own process, so peak RSS is its own. Two tree sizes show
 * whether memory grows with the number of files. Timing is printed, never asserted. Targets (100,000 files): dry
 * run <= 3x find -print, real run <= 2x find -delete. perflog's figure is its run's own durationMs (node start and
 * module load excluded, as find has none); the wall time with node start is printed beside it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { quantile } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** Tree sizes (PERFLOG_BENCH_CLEANUP_SIZES, comma-separated, for a quick check with small trees). */
const SIZES = (process.env['PERFLOG_BENCH_CLEANUP_SIZES'] ?? '20000,100000').split(',').map(Number).filter((n) => n > 0);
const DRY_ROUNDS = 3;
const DAY_MS = 86_400_000;

/** N files of 64 bytes in logs/<a>/<b>/, every other one 40 days old; names like find's and perflog's patterns. */
function buildTree(files: number): string {
  const root = mkdtempSync(join(tmpdir(), 'perflog-bench-cleanup-'));
  const old = new Date(Date.now() - 40 * DAY_MS);
  const fresh = new Date(Date.now() - DAY_MS);
  const body = 'x'.repeat(63) + '\n';
  const made = new Set<string>();
  for (let i = 0; i < files; i++) {
    const dir = join(root, 'logs', `app${i % 10}`, `part${Math.floor(i / 10) % 50}`);
    if (!made.has(dir)) { mkdirSync(dir, { recursive: true }); made.add(dir); }
    const path = join(dir, i % 3 === 0 ? `m${i}_metrics.log` : `m${i}_metrics.log.2026-01-0${(i % 9) + 1}.${i % 4}`);
    writeFileSync(path, body);
    const when = i % 2 === 0 ? old : fresh;
    utimesSync(path, when, when);
  }
  return root;
}

interface PerflogRun {
  result: { filesDeleted: number; bytesFreed: number; errors: number; durationMs: number; filesMatched: number } | undefined;
  maxRssKb: number;
  startLiveHeap: number;
  maxLiveHeap: number;
}

function perflog(root: string, mode: 'dry' | 'real' | 'idle', sample = false): PerflogRun & { wallMs: number } {
  const start = performance.now();
  const flags = sample ? ['--expose-gc'] : [];
  const child = spawnSync(process.execPath, [...flags, '--import', TSX, join(here, 'cleanup-child.ts'), root, mode, ...(sample ? ['sample'] : [])], { encoding: 'utf8' });
  const wallMs = performance.now() - start;
  if (child.status !== 0) throw new Error(`cleanup child failed: ${child.stderr}`);
  return { ...(JSON.parse(child.stdout) as PerflogRun), wallMs };
}

function find(root: string, remove: boolean): { ms: number; maxRssKb: number; count: number } {
  const args = ['-f', '%M', 'find', 'logs', '-name', '*.log*', '-mtime', '+30', ...(remove ? ['-print', '-delete'] : ['-print'])];
  const start = performance.now();
  const child = spawnSync('/usr/bin/time', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (child.status !== 0) throw new Error(`find failed: ${child.stderr}`);
  const rss = Number(child.stderr.trim().split('\n').at(-1));
  return { ms, maxRssKb: rss, count: child.stdout.split('\n').filter(Boolean).length };
}

const median = (values: number[]) => quantile([...values].sort((a, b) => a - b), 0.5);
const row = (...cells: Array<string | number>) => console.log(cells.map((c, i) => String(c).padStart(i === 0 ? 0 : 14).padEnd(i === 0 ? 34 : 0)).join(''));

const idle = perflog(tmpdir(), 'idle');
console.log(`node + perflog loaded, no run: peak RSS ${(idle.maxRssKb / 1024).toFixed(1)} MB, ${idle.wallMs.toFixed(0)} ms wall`);
for (const size of SIZES) {
  const setup = performance.now();
  const a = buildTree(size);
  const b = buildTree(size);
  console.log(`\n${size} files (half expired) in nested folders, two identical trees built in ${((performance.now() - setup) / 1000).toFixed(1)} s`);
  row('contender', 'run ms', 'peak RSS MB', 'files');
  const dry: PerflogRun[] = [];
  const dryWall: number[] = [];
  const findList: Array<ReturnType<typeof find>> = [];
  for (let round = 0; round < DRY_ROUNDS; round++) {
    // interleaved, alternating who goes first
    if (round % 2 === 0) { const p = perflog(a, 'dry'); dry.push(p); dryWall.push(p.wallMs); findList.push(find(a, false)); }
    else { findList.push(find(a, false)); const p = perflog(a, 'dry'); dry.push(p); dryWall.push(p.wallMs); }
  }
  const dryMs = median(dry.map((d) => d.result!.durationMs));
  const findListMs = median(findList.map((f) => f.ms));
  row('perflog dry run (in-process run)', dryMs.toFixed(0), (Math.max(...dry.map((d) => d.maxRssKb)) / 1024).toFixed(1), dry[0]!.result!.filesDeleted);
  row('perflog dry run (with node start)', median(dryWall).toFixed(0), '', '');
  row("find -mtime +30 -print", findListMs.toFixed(0), (Math.max(...findList.map((f) => f.maxRssKb)) / 1024).toFixed(1), findList[0]!.count);
  // a separate, untimed dry run that samples the live heap after a full GC (what the run keeps, not V8's lazy garbage)
  const live = perflog(a, 'dry', true);
  const real = perflog(a, 'real');
  const findDelete = find(b, true);
  row('perflog real run (in-process run)', real.result!.durationMs.toFixed(0), (real.maxRssKb / 1024).toFixed(1), real.result!.filesDeleted);
  row('perflog real run (with node start)', real.wallMs.toFixed(0), '', '');
  row('find -mtime +30 -delete', findDelete.ms.toFixed(0), (findDelete.maxRssKb / 1024).toFixed(1), findDelete.count);
  if (real.result!.filesDeleted !== findDelete.count || real.result!.errors !== 0) {
    console.log(`MISMATCH: perflog deleted ${real.result!.filesDeleted} (errors ${real.result!.errors}), find ${findDelete.count}`);
  }
  console.log(`ratio: perflog dry run / find list (${size}) (target <= 3x) = ${(dryMs / findListMs).toFixed(2)}x`);
  console.log(`ratio: perflog real run / find -delete (${size}) (target <= 2x) = ${(real.result!.durationMs / findDelete.ms).toFixed(2)}x`);
  const delta = (kb: number) => `${kb >= 0 ? '+' : '-'}${(Math.abs(kb) / 1024).toFixed(1)} MB`;
  console.log(`peak RSS over node+perflog idle (${size}): dry ${delta(Math.max(...dry.map((d) => d.maxRssKb)) - idle.maxRssKb)}, real ${delta(real.maxRssKb - idle.maxRssKb)}`);
  console.log(`live heap after GC during a dry run (${size}): ${(live.startLiveHeap / 1048576).toFixed(1)} MB at start, at most ${(live.maxLiveHeap / 1048576).toFixed(1)} MB`);
  rmSync(a, { recursive: true, force: true });
  rmSync(b, { recursive: true, force: true });
}
