#!/usr/bin/env node
/**
 * `perflog <command>`: argv -> API call -> exit code (0 success, 1 runtime failure, 2 usage or config error).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import type { Command, CommandIo } from './cli/args.js';

/** Error codes (stable, published) that mean a usage or configuration error: exit 2. */
const USAGE_CODE = 'PERFLOG_USAGE';
const CONFIG_ERROR_CODE = 'PERFLOG_INVALID_CONFIG';

/** Exit codes of the CLI. */
export const EXIT = Object.freeze({ ok: 0, failure: 1, usage: 2 });

const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = Object.freeze({
  cleanup: async () => (await import('./cli/cleanup-command.js')).cleanupCommand,
  stats: async () => (await import('./cli/stats-command.js')).statsCommand,
  report: async () => (await import('./cli/report-command.js')).reportCommand,
});

function help(): string {
  const lines = Object.keys(COMMANDS).map((name) => `  perflog ${name}`);
  return `Usage: perflog <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "perflog <command> --help" for a command's options.\n`;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    io.stdout(`${pkg.version}\n`);
    return EXIT.ok;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    io.stderr(`perflog: unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return EXIT.usage;
  }
  const command = await load();
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${command.summary}\n\nUsage: ${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    // by code, not instanceof: a command module loaded through another module graph (a test runner's CommonJS
    // next to the CLI's ESM) has its own copy of the error classes
    const code = (error as { code?: unknown } | undefined)?.code;
    if (code === USAGE_CODE || code === CONFIG_ERROR_CODE) {
      io.stderr(`perflog ${name}: ${(error as Error).message}\n`);
      if (code !== CONFIG_ERROR_CODE) io.stderr(`Usage: ${command.usage}\n`);
      return EXIT.usage;
    }
    io.stderr(`perflog ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const io: CommandIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  };
  main(process.argv.slice(2), io).then(
    (code) => { process.exitCode = code; },
    (error: unknown) => { console.error(error); process.exitCode = EXIT.failure; },
  );
}
