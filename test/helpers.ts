/** Test helpers: real temporary directories and the lines perflog wrote there. */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerflogConfigError, PerformanceMonitorFactory } from '../src/index.js';
import type { ChildResult } from './helpers/files.js';
import { runNode } from './helpers/files.js';
import type { PerflogError, PerflogOptions } from '../src/index.js';

/** A fresh directory under the OS temp dir. */
export function makeTempDir(prefix = 'perflog-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** Every line of `<baseDir>/logs/<module>_metrics.log`, raw. */
export async function rawLines(baseDir: string, module: string, logDir = 'logs'): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(join(baseDir, logDir, `${module}_metrics.log`), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  expect(text === '' || text.endsWith('\n'), 'file ends with a newline').to.equal(true);
  return text.split('\n').slice(0, -1);
}

/** Every record of a module's active file, parsed. */
export async function records(baseDir: string, module: string, logDir = 'logs'): Promise<Record<string, unknown>[]> {
  return (await rawLines(baseDir, module, logDir)).map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Names of the files in `<baseDir>/logs`. */
export async function logFiles(baseDir: string, logDir = 'logs'): Promise<string[]> {
  try {
    return (await readdir(join(baseDir, logDir))).sort();
  } catch {
    return [];
  }
}

/** A factory writing into `baseDir` with cleanup off, collecting every `onError` report. */
export function testFactory(baseDir: string, options: PerflogOptions = {}): { factory: PerformanceMonitorFactory; errors: PerflogError[] } {
  const errors: PerflogError[] = [];
  const factory = new PerformanceMonitorFactory({ baseDir, cleanup: { enabled: false }, onError: (error) => errors.push(error), ...options });
  return { factory, errors };
}

/** Runs a TypeScript file in a child Node process (with tsx); resolves with its exit code and output. */
export function runTs(file: string, options: { cwd: string; env?: NodeJS.ProcessEnv; args?: string[] }): Promise<ChildResult> {
  return runNode(file, options.args ?? [], { cwd: options.cwd, env: { ...process.env, ...options.env } });
}

/** Absolute path of a file under the repository root. */
export function repoPath(...parts: string[]): string {
  return join(fileURLToPath(new URL('..', import.meta.url)), ...parts);
}

/** A test's temp directory and factory, fresh for each test (mocha hooks registered by `useTempFactory`). */
export interface TempFactory {
  readonly baseDir: string;
  readonly factory: PerformanceMonitorFactory;
  readonly errors: PerflogError[];
}

/** Registers hooks giving each test of the enclosing `describe` a fresh temp dir and factory, shut down after. */
export function useTempFactory(options: PerflogOptions = {}): TempFactory {
  const context = {} as { baseDir: string; factory: PerformanceMonitorFactory; errors: PerflogError[] };
  beforeEach(async () => {
    context.baseDir = await makeTempDir();
    Object.assign(context, testFactory(context.baseDir, options));
  });
  afterEach(async () => {
    await context.factory.shutdown();
    await removeDir(context.baseDir);
  });
  return context;
}

/**
 * Whether `run` accepts its options: true when it returns, false when it throws a `PerflogConfigError` (whose `key`
 * matches `key`, when given); any other throw fails the test.
 */
export function acceptsConfig(run: () => unknown, key?: RegExp): boolean {
  try {
    run();
    return true;
  } catch (error) {
    expect(error).to.be.instanceOf(PerflogConfigError);
    if (key !== undefined) expect((error as PerflogConfigError).key).to.match(key);
    return false;
  }
}
