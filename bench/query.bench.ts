/**
 * bench/query: the same ~330 MB file (2,000,000 mixed perflog records) aggregated by module,operation by perflog
 * `queryMetrics` (default: main thread + workers; and on one thread), DuckDB (`read_json` + `quantile_cont`), jq
 * (counts and means; set PERFLOG_BENCH_SKIP_JQ=1 to skip it) and a naive readline + JSON.parse reader. Each run is
 * its own child process (peak RSS is the contender's own); rounds are interleaved; medians printed. The file is
 * generated once into bench/.out/ and then read from the page cache by everyone alike. perflog runs as shipped:
 * compiled into bench/.out/dist with the package's build config (PERFLOG_BENCH_SOURCE=1: from the sources).
 * Timed alike: every contender's clock starts after its module load and engine setup (perflog's import; DuckDB's
 * import, instance and connection) and stops once the rows are in hand. PERFLOG_BENCH_RECORDS (default 2,000,000)
 * makes a smaller file for a quick check.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { countFromEnv, printRatio, quantile, writeRecordsFile } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const RECORDS = countFromEnv('RECORDS', 2_000_000);
const file = join(here, '.out', 'query', `metrics-${RECORDS}-v1.log`);
const rounds = Number(process.env['PERFLOG_BENCH_ROUNDS'] ?? 3);
const skipJq = process.env['PERFLOG_BENCH_SKIP_JQ'] === '1' || spawnSync('jq', ['--version']).error !== undefined; // not installed
const TIME = '/usr/bin/time';
const distDir = join(here, '.out', 'dist');

/** perflog as shipped: compiled with the package's build config (PERFLOG_BENCH_SOURCE=1 runs the TS sources). */
function build(): string | undefined {
  if (process.env['PERFLOG_BENCH_SOURCE'] === '1') return undefined;
  const tsc = join(here, '..', 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(here, '..', 'tsconfig.build.json'), '--outDir', distDir], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('tsc failed');
  return pathToFileURL(join(distDir, 'query', 'query.js')).href;
}

type Rows = Record<string, { count: number; p95: number | null }>;
interface Run { seconds: number; rssMb: number; rows: Rows }

/** Runs a command under /usr/bin/time (peak RSS of that process) and returns its stdout and the figures. */
function runMeasured(command: string, args: string[]): Promise<{ stdout: string; wallSeconds: number; rssKb: number }> {
  const useTime = existsSync(TIME);
  const [bin, argv] = useTime ? [TIME, ['-f', 'BENCH_TIME %e %M', command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) { reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`)); return; }
      const m = /BENCH_TIME ([\d.]+) (\d+)/.exec(stderr);
      resolve({ stdout, wallSeconds: m === null ? Number.NaN : Number(m[1]), rssKb: m === null ? Number.NaN : Number(m[2]) });
    });
  });
}

async function node(name: string): Promise<Run> {
  const args = ['--import', 'tsx', join(here, 'query-contender.ts'), name, file];
  if (dist !== undefined) args.push(dist);
  const { stdout, rssKb } = await runMeasured(process.execPath, args);
  const report = JSON.parse(stdout.trim().split('\n').pop()!) as { seconds: number; maxRssKb: number; rows: Rows };
  return { seconds: report.seconds, rssMb: (Number.isNaN(rssKb) ? report.maxRssKb : rssKb) / 1024, rows: report.rows };
}

async function jq(): Promise<Run> {
  const program = 'reduce inputs as $r ({}; (($r.module // "") + "/" + ($r.operation // "")) as $k '
    + '| .[$k].count += 1 | .[$k].errors += (if $r.success == false then 1 else 0 end) '
    + '| .[$k].sum += ($r.duration // 0)) | map_values(.mean = .sum / .count)';
  const { stdout, wallSeconds, rssKb } = await runMeasured('jq', ['-n', '-c', program, file]);
  const rows = JSON.parse(stdout) as Record<string, { count: number }>;
  return { seconds: wallSeconds, rssMb: rssKb / 1024, rows: Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, { count: v.count, p95: null }])) };
}

await writeRecordsFile(file, RECORDS, 7);
const dist = build();
const sizeMb = statSync(file).size / 1e6;
console.log(`file: ${file} (${sizeMb.toFixed(0)} MB, ${RECORDS.toLocaleString('en-US')} records); ${rounds} interleaved rounds, medians`);
console.log(`perflog: ${dist === undefined ? 'TypeScript sources (tsx)' : 'compiled (tsconfig.build.json)'}; ${availableParallelism()} cores`);
console.log('contenders (each in its own process; clocks start after module load and setup, stop with the rows in hand):');
console.log('  perflog: queryMetrics({ patterns: [file], groupBy: [module, operation] }), main thread + workers (default threads)');
console.log('  perflog-1thread: the same with threads: 0 (main thread only)');
console.log('  duckdb: @duckdb/node-api, :memory:, default threads; read_json(newline_delimited) + GROUP BY + quantile_cont (import, instance, connection outside the clock)');
console.log('  readline: node:readline + JSON.parse per line + DDSketch (the naive reader)');
const contenders = ['perflog', 'duckdb', 'perflog-1thread', 'readline'];
const runs = new Map<string, Run[]>(contenders.map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < contenders.length; i++) {
    const name = contenders[(i + round) % contenders.length]!;
    runs.get(name)!.push(await node(name));
  }
}
if (!skipJq) runs.set('jq', [await jq()]);

const median = (values: number[]): number => quantile([...values].sort((a, b) => a - b), 0.5);
const summary = [...runs].map(([name, list]) => ({ name, seconds: median(list.map((r) => r.seconds)), rssMb: Math.max(...list.map((r) => r.rssMb)), rows: list[0]!.rows }));
const duck = summary.find((s) => s.name === 'duckdb')!;
console.log(`\n${'contender'.padEnd(18)}${'seconds'.padStart(9)}${'MB/s'.padStart(8)}${'peak RSS'.padStart(11)}${'vs duckdb'.padStart(11)}  runs (s)`);
for (const s of summary) {
  const list = runs.get(s.name)!.map((r) => r.seconds.toFixed(2)).join(' ');
  console.log(`${s.name.padEnd(18)}${s.seconds.toFixed(2).padStart(9)}${(sizeMb / s.seconds).toFixed(0).padStart(8)}`
    + `${`${s.rssMb.toFixed(0)} MB`.padStart(11)}${`${(s.seconds / duck.seconds).toFixed(2)}x`.padStart(11)}  ${list}`);
}
if (skipJq) console.log('jq skipped (PERFLOG_BENCH_SKIP_JQ=1, or jq not installed)');

// Cross-check: the same groups and counts everywhere; p95 of perflog within 2% of DuckDB's (sketch vs interpolation).
const reference = summary.find((s) => s.name === 'perflog')!.rows;
for (const s of summary) {
  const same = Object.keys(s.rows).length === Object.keys(reference).length
    && Object.entries(reference).every(([k, v]) => s.rows[k]?.count === v.count);
  if (!same) console.log(`MISMATCH: ${s.name} counts differ from perflog's`);
}
const p95Error = Math.max(...Object.entries(reference).map(([k, v]) => {
  const d = duck.rows[k]?.p95;
  return v.p95 === null || d === null || d === undefined ? 0 : Math.abs(v.p95 - d) / d;
}));
console.log(`check: groups and counts agree across contenders; max p95 difference perflog vs duckdb ${(p95Error * 100).toFixed(2)}%`);
printRatio('perflog/duckdb seconds (target <= 0.90x, peak RSS < 150 MB)', summary.find((s) => s.name === 'perflog')!.seconds, duck.seconds);
printRatio('perflog-1thread/duckdb seconds (target <= 1.30x)', summary.find((s) => s.name === 'perflog-1thread')!.seconds, duck.seconds);
console.log(`perflog peak RSS: ${summary.find((s) => s.name === 'perflog')!.rssMb.toFixed(0)} MB`);
