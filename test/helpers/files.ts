/** Test helpers: real files with real modification times, and child processes running fixtures. */
import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { lstat, mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DAY_MS = 86_400_000;

/** Nine levels of nine aliases each: 9^9 strings once expanded. */
export const ALIAS_BOMB = ['a: &a ["x","x","x","x","x","x","x","x","x"]',
  ...[...'bcdefghi'].map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n') + '\n';

/** tsx's loader, by absolute URL: children may run in a folder without node_modules. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Writes `content` to `baseDir/rel` (folders created) and sets its mtime `days` days back; returns the path. */
export async function writeFileAged(baseDir: string, rel: string, { days, content = 'x'.repeat(100) }: { days: number; content?: string }): Promise<string> {
  const path = join(baseDir, rel);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
  await age(path, days);
  return path;
}

/** Sets a file's atime and mtime `days` days back. */
export async function age(path: string, days: number): Promise<void> {
  const when = new Date(Date.now() - days * DAY_MS);
  await utimes(path, when, when);
}

/** Every entry under `root` (not following symlinks): relative path -> "kind size mtimeMs". */
export async function snapshot(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const stats = await lstat(path);
      const kind = stats.isSymbolicLink() ? 'link' : stats.isDirectory() ? 'dir' : 'file';
      out.set(relative(root, path), `${kind} ${kind === 'dir' ? '' : stats.size} ${kind === 'dir' ? '' : Math.round(stats.mtimeMs)}`);
      if (stats.isDirectory()) await walk(path);
    }
  };
  await walk(root);
  return out;
}

/** The absolute path of `test/fixtures/<name>`. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

/** Result of a finished child process. */
export interface ChildResult { pid: number; code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/**
 * Runs `node --import tsx <script> ...args` and collects its output once it exits; `whileRunning` gets the child
 * (to signal or kill it).
 */
export function runNode(
  script: string, args: string[], options: SpawnOptions = {}, whileRunning?: (child: ChildProcess) => void,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, script, ...args], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ pid: child.pid!, code, signal, stdout, stderr }));
    whileRunning?.(child);
  });
}

/** A running `node --import tsx <script>`: `line(text)` resolves once it prints that line; `done` once it exits. */
export interface RunningChild { line: (text: string) => Promise<void>; done: Promise<ChildResult> }

/** Starts `node --import tsx <script> ...args` without waiting for it. */
export function startNode(script: string, args: string[], options: SpawnOptions = {}): RunningChild {
  const child = spawn(process.execPath, ['--import', TSX, script, ...args], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiting: Array<{ text: string; resolve: () => void }> = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const wait of waiting.splice(0)) {
      if (stdout.split('\n').includes(wait.text)) wait.resolve();
      else waiting.push(wait);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const wait of waiting.splice(0)) wait.resolve();
      resolve({ pid: child.pid!, code, signal, stdout, stderr });
    });
  });
  const line = (text: string) => new Promise<void>((resolve) => {
    if (stdout.split('\n').includes(text)) resolve();
    else waiting.push({ text, resolve });
  });
  return { line, done };
}
