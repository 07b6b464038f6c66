/** The fixture folder with openai 6 and the contrib instrumentation-openai (which hooks only openai < 7). */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of the fixture folder. */
export const OPENAI6_FIXTURE = fileURLToPath(new URL('../fixtures/otel-openai6', import.meta.url));

/** Installs the fixture's own dependencies from its committed lock (npm registry only) when they are missing. */
export function installOpenAI6Fixture(): void {
  if (existsSync(`${OPENAI6_FIXTURE}/node_modules/openai/package.json`)) return;
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: OPENAI6_FIXTURE, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm ci in ${OPENAI6_FIXTURE} failed: ${result.stderr}`);
}
