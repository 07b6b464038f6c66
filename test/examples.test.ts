import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { logFiles, makeTempDir, records, removeDir, repoPath, runTs } from './helpers.js';

/** What each example must leave in logs/: module -> operations, in order. */
const EXPECTED: Record<string, Record<string, string[]>> = {
  'get-monitors': { checkpoint: ['checkpoint_save'], llm: ['llm_call'] },
  'record-checkpoint': { checkpoint: ['checkpoint_save', 'checkpoint_load', 'checkpoint_save'] },
  'record-llm-call': { llm: ['llm_call', 'llm_stream'] },
  'checkpoint-integration': { checkpoint: ['checkpoint_save', 'checkpoint_load'] },
  'custom-monitor': { custom: ['custom.embedding', 'queue_depth'] },
};

describe('examples/', () => {
  let cwd: string;
  beforeEach(async () => {
    cwd = await makeTempDir('perflog-example-');
  });
  afterEach(() => removeDir(cwd));

  for (const [name, modules] of Object.entries(EXPECTED)) {
    it(`${name}.ts runs and writes the SPEC lines`, async () => {
      const { code, stderr } = await runTs(repoPath('examples', `${name}.ts`), { cwd, env: { PERFLOG_CONFIG: '' } });
      expect(code, stderr).to.equal(0);
      // The default factory also starts the cleaner, whose runs write log_cleaner records (SPEC 5).
      const files = (await logFiles(cwd)).filter((f) => f !== 'log_cleaner_metrics.log');
      expect(files).to.deep.equal(Object.keys(modules).map((m) => `${m}_metrics.log`).sort());
      for (const [module, operations] of Object.entries(modules)) {
        const lines = await records(cwd, module);
        expect(lines.map((r) => r['operation'])).to.deep.equal(operations);
        for (const record of lines) {
          expect(Object.keys(record).slice(0, 3)).to.deep.equal(['timestamp', 'metric_type', 'operation']);
          expect(record['module']).to.equal(module);
        }
      }
    });
  }

  it('covers every example file but the demo and those tested with their own module', () => {
    const files = readdirSync(repoPath('examples')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    const covered = new Set([...Object.keys(EXPECTED), 'demo', 'manual-cleanup', 'periodic-cleanup', 'otel-app-logs']);
    expect(files.filter((f) => !covered.has(f))).to.deep.equal([]);
  });

  it('otel-app-logs.ts writes pino\'s and winston\'s logs through their OTel instrumentation into logs/otel', async () => {
    const { code, stderr } = await runTs(repoPath('examples', 'otel-app-logs.ts'), { cwd, env: { PERFLOG_CONFIG: '' } });
    expect(code, stderr).to.equal(0);
    const text = readFileSync(join(cwd, 'logs/otel/otel_logs.log'), 'utf8');
    const lines = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((r) => [r['severity'], r['body'], r['order']])).to.deep.equal([['info', 'order placed', 42], ['warn', 'payment slow', 42]]);
    expect((await records(cwd, 'tool'))[0]).to.include({ operation: 'tool_call', tool: 'charge_card' });
  });

  it('demo.ts simulates an app into logs/ and prints the per-operation table', async () => {
    const { code, stdout, stderr } = await runTs(repoPath('examples', 'demo.ts'), { cwd, env: { PERFLOG_CONFIG: '', DEMO_MILLIS: '400' } });
    expect(code, stderr).to.equal(0);
    expect(stdout).to.match(/checkpoint\s+checkpoint_save/).and.match(/llm\s+llm_call/).and.match(/tool\s+tool_call/);
    expect((await records(cwd, 'llm')).length).to.be.greaterThan(0);
  });
});
