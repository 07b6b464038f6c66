import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { deadPid } from '../fixtures/log-files.js';
import { makeTempDir, removeDir } from '../helpers.js';
import { fixture } from '../helpers/files.js';

describe('file-lock', () => {
  let dir: string;
  beforeEach(async () => { dir = await makeTempDir('perflog-lock-'); });
  afterEach(() => removeDir(dir));

  describe('tryLockSync()', () => {
    it('lets exactly one of six processes take over a dead holder\'s lock, in every trial', async function () {
      this.timeout(120_000);
      const trials = 25;
      const dead = deadPid();
      for (let k = 0; k < trials; k++) writeFileSync(join(dir, `lock-${k}`), `${dead} 0 ${hostname()} dead-${k}\n`);
      const racers = Array.from({ length: 6 }, () =>
        spawn(process.execPath, ['--import', 'tsx', fixture('lock-racer.ts'), JSON.stringify({ dir, trials, stepMillis: 30 })]));
      const outputs = racers.map((racer) => {
        let out = '';
        racer.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
        return { racer, text: () => out };
      });
      for (const { racer, text } of outputs) while (!text().includes('ready')) await once(racer.stdout, 'data');
      const start = String(Date.now() + 300);
      for (const { racer } of outputs) racer.stdin.write(start);
      await Promise.all(racers.map((racer) => once(racer, 'exit')));
      const holders = new Array<number>(trials).fill(0);
      for (const { text } of outputs) for (const k of JSON.parse(text().split('\n')[1]!) as number[]) holders[k]!++;
      expect(holders).to.deep.equal(new Array<number>(trials).fill(1));
      expect(readdirSync(dir).filter((name) => name.includes('takeover'))).to.deep.equal([]);
    });
  });
});
