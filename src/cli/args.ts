/**
 * Shared argument handling of the CLI commands: the flags several commands take, usage errors (exit 2) and output.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import fg from 'fast-glob';
import { PerflogConfigError } from '../errors.js';
import type { ReadOptions } from '../query/options.js';
import type { QuerySource } from '../query/clickhouse/options.js';
import { TIME_BOUND_FORMS, parseTimeBound } from '../query/options.js';
import type { Prices } from '../report/prices.js';
import { parsePrices } from '../report/prices.js';
import { sourceFromFlags } from './clickhouse-flags.js';

/** A bad command line: printed on stderr, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly code = 'PERFLOG_USAGE';
}

/** What a command writes to; tests pass their own. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

/** One CLI command: parses its own flags and returns the exit code. */
export interface Command {
  readonly summary: string;
  readonly usage: string;
  run(args: string[], io: CommandIo): Promise<number>;
}

/** Parses `args` strictly; an unknown flag or a missing value becomes a `UsageError` naming it. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^TypeError \[\w+\]: /, ''));
  }
}

/** `--format table|json`, shared by the commands that print a result; `parseFormat` reads it. */
export const FORMAT_FLAG = { format: { type: 'string' } } as const;

/** Checks a `--format` value. */
export function parseFormat(value: string | undefined): 'table' | 'json' {
  if (value === undefined || value === 'table' || value === 'json') return value ?? 'table';
  throw new UsageError(`--format must be "table" or "json" (got "${value}")`);
}

/** The file, ClickHouse and filter flags every reading command shares; `readOptionsFromFlags` reads them. */
export const FILTER_FLAGS = {
  dir: { type: 'string' },
  pattern: { type: 'string', multiple: true },
  module: { type: 'string' },
  operation: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  // the ClickHouse source (clickhouse-flags.ts)
  clickhouse: { type: 'string' },
  database: { type: 'string' },
  table: { type: 'string' },
} as const;

/** The values of `FILTER_FLAGS` as `parseFlags` returns them. */
export interface FilterValues {
  dir?: string | undefined;
  pattern?: string[] | undefined;
  module?: string | undefined;
  operation?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  clickhouse?: string | undefined;
  database?: string | undefined;
  table?: string | undefined;
}

/**
 * Turns the shared file and filter flags (`--dir`, `--pattern`, `--module`, `--operation`, `--since`, `--until`) into
 * query options; a bad value is a `UsageError` naming the flag.
 */
export async function readOptionsFromFlags(values: FilterValues, io: CommandIo): Promise<ReadOptions & { source?: QuerySource }> {
  const source = sourceFromFlags(values);
  const patterns = [...(values.pattern ?? [])];
  if (source === undefined && (values.dir !== undefined || patterns.length === 0)) {
    const dir = resolve(io.cwd, values.dir ?? 'logs');
    const info = await stat(dir).catch(() => undefined);
    if (info === undefined || !info.isDirectory()) throw new UsageError(`--dir ${values.dir ?? 'logs'}: no such directory`);
    const base = fg.convertPathToPattern(dir);
    patterns.push(`${base}/*.log`, `${base}/*.log.*`);
  }
  for (const flag of ['since', 'until'] as const) {
    const value = values[flag];
    if (value === undefined) continue;
    try {
      parseTimeBound(value, `--${flag}`);
    } catch (error) {
      if (error instanceof PerflogConfigError) throw new UsageError(`--${flag} must be ${TIME_BOUND_FORMS.replace('a Date, ', '')} (got "${value}")`);
      throw error;
    }
  }
  const filters = { module: values.module, operation: values.operation, since: values.since, until: values.until };
  return source === undefined ? { patterns, baseDir: io.cwd, ...filters } : { source, ...filters };
}

/** Reads `--prices FILE` (see `parsePrices`); a missing or bad file is a `UsageError` naming it. */
export async function readPricesFlag(file: string | undefined, io: CommandIo): Promise<Prices | undefined> {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(`--prices ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  try {
    return parsePrices(JSON.parse(text) as unknown);
  } catch (error) {
    throw new UsageError(`--prices ${file}: ${(error as Error).message}`);
  }
}
