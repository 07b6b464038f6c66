/**
 * `perflog cleanup [--config FILE] [--dry-run] [--format table|json]`: one retention cleanup run, configured as
 * `getInstance()` is (or from `--config`), reported as a table in human units or as the exact `CleanupResult`.
 */
import { resolve } from 'node:path';
import { findConfigFile, resolveWithEnvironment } from '../config.js';
import { PerformanceMonitorFactory } from '../factory.js';
import type { CleanupResult, PerflogOptions } from '../interfaces.js';
import type { Command, CommandIo } from './args.js';
import { parseFlags, parseFormat } from './args.js';
import { formatBytes } from '../report/format.js';

/** The `cleanup` command. */
export const cleanupCommand: Command = {
  summary: 'Delete (or, with --dry-run, list the count of) log files older than log_cleanup.retention_days.',
  usage: 'perflog cleanup [--config FILE] [--dry-run] [--format table|json]',
  async run(args: string[], io: CommandIo): Promise<number> {
    const flags = parseFlags(args, {
      config: { type: 'string' },
      'dry-run': { type: 'boolean' },
      format: { type: 'string' },
    });
    const format = parseFormat(flags.format);
    const configFile = flags.config !== undefined ? resolve(io.cwd, flags.config) : findConfigFile(io.cwd);
    const code: PerflogOptions = {
      baseDir: io.cwd,
      // a failed run or record write reaches the user here; the run itself never throws
      onError: (error) => io.stderr(`perflog cleanup: ${error.message}\n`),
    };
    if (flags['dry-run'] === true) code.cleanup = { dryRun: true };
    const factory = PerformanceMonitorFactory.fromResolvedOptions(resolveWithEnvironment(code, configFile ?? false));
    let result: CleanupResult;
    try {
      result = await factory.forceLogCleanup();
    } finally {
      await factory.shutdown();
    }
    io.stdout(format === 'json' ? `${JSON.stringify(result)}\n` : table(result, configFile));
    if (result.errors > 0) io.stderr(`perflog cleanup: ${result.errors} error(s); some expired files may remain\n`);
    return result.errors > 0 ? 1 : 0;
  },
};

function table(result: CleanupResult, configFile: string | undefined): string {
  const verb = result.dryRun ? 'would be deleted' : 'deleted';
  const rows: Array<[string, string]> = [
    ['config', configFile ?? '(defaults)'],
    ['files matched', String(result.filesMatched)],
    [`files ${verb}`, String(result.filesDeleted)],
    [result.dryRun ? 'space to free' : 'space freed', formatBytes(result.bytesFreed)],
    ['files skipped', `${result.filesSkipped} (symlinks, open files, outside the base directory)`],
    ['errors', String(result.errors)],
    ['duration', `${Math.round(result.durationMs)} ms`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const title = result.dryRun ? 'perflog cleanup (dry run: nothing was deleted)' : 'perflog cleanup';
  return `${title}\n${rows.map(([label, value]) => `  ${label.padEnd(width)}${value}`).join('\n')}\n`;
}
