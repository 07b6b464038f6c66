import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir, records, removeDir, repoPath, runTs } from './helpers.js';

const run = promisify(execFile);

describe('package', () => {
  let consumer: string;
  before(async function () {
    this.timeout(120_000);
    // Build dist/ as `npm pack` would, then install the package into a consumer project by link.
    await run(process.execPath, [repoPath('node_modules/typescript/bin/tsc'), '-p', repoPath('tsconfig.build.json')]);
    consumer = await makeTempDir('perflog-consumer-');
    await cp(repoPath('test/fixtures/consumer'), consumer, { recursive: true });
    await mkdir(join(consumer, 'node_modules/@types'), { recursive: true });
    await symlink(repoPath(), join(consumer, 'node_modules/perflog'));
    await symlink(repoPath('node_modules/@types/node'), join(consumer, 'node_modules/@types/node'));
    await writeFile(join(consumer, 'package.json'), '{"type":"module"}');
  });
  after(() => removeDir(consumer));

  it('SPEC snippets compile with tsc --strict against the published types and run', async function () {
    this.timeout(120_000);
    await run(process.execPath, [repoPath('node_modules/typescript/bin/tsc'), '-p', join(consumer, 'tsconfig.json')]);
    const { code, stdout, stderr } = await runTs(join(consumer, 'spec-snippets.ts'), { cwd: consumer, env: { PERFLOG_CONFIG: '' } });
    expect(code, stderr).to.equal(0);
    expect(JSON.parse(stdout)).to.include({ recordsDropped: 0, dryRun: true, llmCalls: 2, p95: 'number' });
    expect((await records(consumer, 'llm')).map((r) => r['operation'])).to.deep.equal(['llm_call', 'llm_call']);
  });

  it('declares ESM, engines >= 22.15, types-first exports and the perflog bin', async () => {
    const pkg = JSON.parse(await readFile(repoPath('package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg).to.include({ name: 'perflog', type: 'module' });
    expect(pkg['engines']).to.deep.equal({ node: '>=22.15' });
    expect(Object.keys((pkg['exports'] as Record<string, Record<string, string>>)['.']!)).to.deep.equal(['types', 'default']);
    expect(pkg['bin']).to.deep.equal({ perflog: './dist/cli.js' });
    const { stdout } = await run(process.execPath, [repoPath('dist/cli.js'), '--help']);
    expect(stdout).to.match(/Usage: perflog <command>/);
  });

  it('runs no script of its own at install time, builds when packed, and ships no source map pointing at missing files', async () => {
    const pkg = JSON.parse(await readFile(repoPath('package.json'), 'utf8')) as { scripts: Record<string, string>; files: string[] };
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts, hook).not.to.have.property(hook);
    expect(pkg.scripts['prepack']).to.equal('npm run build');
    const { stdout } = await run(process.execPath, [repoPath('node_modules/typescript/bin/tsc'), '-p', repoPath('tsconfig.build.json'), '--showConfig']);
    const { compilerOptions } = JSON.parse(stdout) as { compilerOptions: { sourceMap?: boolean; declarationMap?: boolean } };
    if (compilerOptions.sourceMap === true || compilerOptions.declarationMap === true) expect(pkg.files).to.include('src');
  });

  it('documents every error code and CLI exit code in the README', async () => {
    const readme = await readFile(repoPath('README.md'), 'utf8');
    const sources = await Promise.all(['src/errors.ts', 'src/cli/args.ts'].map((f) => readFile(repoPath(f), 'utf8')));
    const codes = new Set(sources.join('\n').match(/PERFLOG_[A-Z_]+/g));
    expect(codes.size).to.be.greaterThan(3);
    for (const code of codes) expect(readme, code).to.include(`\`${code}\``);
    for (const exit of ['`0` success', '`1` runtime failure', '`2` usage or configuration error']) expect(readme).to.include(exit);
  });
});
