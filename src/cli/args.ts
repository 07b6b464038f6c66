/**
 * Shared argument handling of the CLI commands: flags, usage errors (exit 2) and output.
 */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

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

/** Checks a `--format` value. */
export function parseFormat(value: string | undefined): 'table' | 'json' {
  if (value === undefined || value === 'table' || value === 'json') return value ?? 'table';
  throw new UsageError(`--format must be "table" or "json" (got "${value}")`);
}
