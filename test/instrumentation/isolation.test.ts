import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, removeDir, repoPath, runTs } from '../helpers.js';

describe('adapters are subpath exports', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('importing perflog and every adapter entry loads none of the instrumented libraries', async () => {
    const script = join(dir, 'probe.mts');
    const entries = [['index.ts'], ['openai', 'index.ts'], ['anthropic', 'index.ts'], ['ai-sdk', 'index.ts'], ['otel', 'index.ts']];
    await writeFile(script, [
      "import { registerHooks } from 'node:module';",
      'const seen: string[] = [];',
      'registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); seen.push(result.url); return result; } });',
      ...entries.map((parts) => `await import(${JSON.stringify(repoPath('src', ...parts))});`),
      "const library = /node_modules\\/(openai|@anthropic-ai|ai|@ai-sdk|@opentelemetry\\/sdk-trace)\\//;",
      'console.log(JSON.stringify({ checked: seen.length, loaded: seen.filter((url) => library.test(url)) }));',
    ].join('\n'));
    const { code, stdout, stderr } = await runTs(script, { cwd: dir });
    expect(code, stderr).to.equal(0);
    const { checked, loaded } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { checked: number; loaded: string[] };
    expect(checked).to.be.greaterThan(10);
    expect(loaded).to.deep.equal([]);
  });
});
