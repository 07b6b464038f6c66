/**
 * Runs the perflog CLI in process, as `npx perflog ...` would, capturing what it prints.
 */
import { main } from '../../src/cli.js';
import type { CommandIo } from '../../src/cli/args.js';

/** Runs `perflog <argv>` in `cwd`; resolves to its exit code and output. */
export async function runCli(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
