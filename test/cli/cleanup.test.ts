import { expect } from 'chai';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import type { CleanupResult } from '../../src/index.js';
import { ALIAS_BOMB, writeFileAged } from '../helpers/files.js';

describe('perflog cleanup', () => {
  let cwd: string;
  let saved: string | undefined;
  let out: string;
  let err: string;
  const run = (...argv: string[]) => main(['cleanup', ...argv], {
    stdout: (text) => { out += text; }, stderr: (text) => { err += text; }, cwd,
  });

  beforeEach(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'perflog-cli-'));
    out = '';
    err = '';
    saved = process.env['PERFLOG_CONFIG'];
    delete process.env['PERFLOG_CONFIG'];
    await writeFileAged(cwd, 'logs/old.log', { days: 40, content: 'a'.repeat(3000) });
    await writeFileAged(cwd, 'logs/fresh.log', { days: 1 });
  });

  afterEach(async () => {
    if (saved !== undefined) process.env['PERFLOG_CONFIG'] = saved;
    await rm(cwd, { recursive: true, force: true });
  });

  it('prints exactly the CleanupResult with --format json and exits 0', async () => {
    expect(await run('--format', 'json')).to.equal(0);
    const result = JSON.parse(out) as CleanupResult;
    expect(Object.keys(result).sort()).to.deep.equal(['bytesFreed', 'dryRun', 'durationMs', 'errors', 'filesDeleted', 'filesMatched', 'filesSkipped']);
    expect(result).to.include({ filesDeleted: 1, bytesFreed: 3000, errors: 0, dryRun: false, filesMatched: 2, filesSkipped: 0 });
    expect(out.trim().split('\n')).to.have.length(1);
    await stat(join(cwd, 'logs/old.log')).then(() => expect.fail('not deleted'), () => undefined);
  });

  it('prints a table in human units and deletes nothing with --dry-run', async () => {
    expect(await run('--dry-run')).to.equal(0);
    expect(out).to.match(/dry run/);
    expect(out).to.match(/files would be deleted\s+1/);
    expect(out).to.match(/space to free\s+2\.9 KB/);
    await stat(join(cwd, 'logs/old.log'));
  });

  it('finds configs/monitoring_logging.yaml under the working directory without --config', async () => {
    await mkdir(join(cwd, 'configs'));
    await writeFile(join(cwd, 'configs/monitoring_logging.yaml'), 'log_cleanup:\n  dry_run: true\n  retention_days: 0.5\n');
    expect(await run('--format', 'json')).to.equal(0);
    expect(JSON.parse(out)).to.include({ dryRun: true, filesDeleted: 2 });
  });

  it('reads --config, relative to the working directory, and runs even when cleanup is disabled there', async () => {
    await writeFile(join(cwd, 'mine.yaml'), 'log_cleanup:\n  enabled: false\n  log_patterns: ["logs/fresh.*"]\n  retention_days: 0.5\n');
    expect(await run('--config', 'mine.yaml', '--format', 'json')).to.equal(0);
    expect(JSON.parse(out)).to.include({ filesDeleted: 1, filesMatched: 1 });
    await stat(join(cwd, 'logs/old.log'));
  });

  it('exits 2 with the file, key and expectation on stderr for an invalid config file', async () => {
    await writeFile(join(cwd, 'bad.yaml'), 'log_cleanup:\n  retention_days: -1\n');
    expect(await run('--config', 'bad.yaml')).to.equal(2);
    expect(err).to.include(`${join(cwd, 'bad.yaml')}: log_cleanup.retention_days must be a number > 0 (got -1)`);
    expect(out).to.equal('');
  });

  it('exits 2 naming the file for a config file that cannot be parsed (an alias bomb)', async () => {
    await writeFile(join(cwd, 'bomb.yaml'), ALIAS_BOMB);
    expect(await run('--config', 'bomb.yaml')).to.equal(2);
    expect(err).to.include(`${join(cwd, 'bomb.yaml')}: (document) must be valid YAML`);
  });

  it('exits 2 for a missing config file, an unknown flag or a bad --format', async () => {
    expect(await run('--config', 'nope.yaml')).to.equal(2);
    expect(await run('--force')).to.equal(2);
    expect(await run('--format', 'xml')).to.equal(2);
    expect(err).to.include('--format must be "table" or "json"');
    await stat(join(cwd, 'logs/old.log'));
  });

  it('exits 1 when the run fails (the log folder is a file, so the lock cannot be taken)', async () => {
    await writeFile(join(cwd, 'not-a-dir'), '');
    await writeFile(join(cwd, 'c.yaml'), 'metrics_log:\n  directory: not-a-dir\n');
    expect(await run('--config', 'c.yaml', '--format', 'json')).to.equal(1);
    expect(JSON.parse(out)).to.include({ errors: 1 });
    expect(err).to.match(/perflog cleanup: /);
  });

  it('documents itself with --help', async () => {
    expect(await run('--help')).to.equal(0);
    expect(out).to.include('perflog cleanup [--config FILE] [--dry-run] [--format table|json]');
  });
});
