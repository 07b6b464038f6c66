import { expect } from 'chai';
import { join } from 'node:path';
import { DescriptorBudget } from '../../src/exporters/descriptor-budget.js';
import type { DescriptorHolder } from '../../src/exporters/descriptor-budget.js';
import { OpenFiles } from '../../src/exporters/open-files.js';
import type { OpenFile } from '../../src/exporters/open-files.js';
import { PerformanceMonitorFactory } from '../../src/index.js';
import { makeTempDir, removeDir } from '../helpers.js';

/** A descriptor holder that notes when the budget takes its descriptor back. */
function holder(name: string, released: string[]): DescriptorHolder {
  return { releaseDescriptor: () => released.push(name) };
}

function file(path: string): OpenFile & { flushes: number } {
  return { path, flushes: 0, flushSync() { this.flushes++; } };
}

describe('DescriptorBudget', () => {
  it('asks the least recently written holder to close once the cap is reached', () => {
    const released: string[] = [];
    const budget = new DescriptorBudget(2);
    const [a, b, c] = ['a', 'b', 'c'].map((name) => holder(name, released)) as [DescriptorHolder, DescriptorHolder, DescriptorHolder];
    budget.reserve();
    budget.use(a);
    budget.reserve();
    budget.use(b);
    budget.use(a); // a written again: b is now the oldest
    budget.reserve();
    expect(released).to.deep.equal(['b']);
    budget.release(b);
    budget.use(c);
    expect(budget.size).to.equal(2);
  });
});

describe('OpenFiles', () => {
  it('knows its own files, and those of the other registries of the thread only when asked for the thread', () => {
    const mine = new OpenFiles();
    const theirs = new OpenFiles();
    const own = file('/logs/a.log');
    const other = file('/logs/b.log');
    mine.add(own);
    theirs.add(other);
    try {
      expect(mine.isOpen('/logs/a.log')).to.equal(true);
      expect(mine.isOpen('/logs/b.log')).to.equal(false);
      expect(mine.isOpenInThread('/logs/b.log')).to.equal(true);
      mine.flushSync();
      expect([own.flushes, other.flushes]).to.deep.equal([1, 0]);
    } finally {
      mine.delete(own);
      theirs.delete(other);
    }
    expect(new OpenFiles().isOpenInThread('/logs/a.log')).to.equal(false);
  });

  it('holds a factory\'s active files from their first record to its shutdown, seen from another registry of the thread', async () => {
    const baseDir = await makeTempDir();
    const factory = new PerformanceMonitorFactory({ baseDir, cleanup: { enabled: false }, file: { sync: true } });
    const active = join(baseDir, 'logs/app_metrics.log');
    const other = new OpenFiles();
    factory.getWriter('app').logCounter('start');
    const whileOpen = [other.isOpen(active), other.isOpenInThread(active)];
    await factory.shutdown();
    await removeDir(baseDir);
    expect(whileOpen).to.deep.equal([false, true]);
    expect(other.isOpenInThread(active)).to.equal(false);
  });
});
