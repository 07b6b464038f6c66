/**
 * Mocha root hooks (`.mocharc.json` `require`): each test file starts without the process-wide factory a previous
 * file configured, and the last one is shut down at the end.
 */
import type { Context } from 'mocha';
import { PerformanceMonitorFactory } from '../../src/factory.js';

let lastFile: string | undefined;

export const mochaHooks = {
  async beforeEach(this: Context): Promise<void> {
    const file = this.currentTest?.file;
    if (file === lastFile) return;
    lastFile = file;
    await PerformanceMonitorFactory.resetInstance();
  },
  async afterAll(): Promise<void> {
    await PerformanceMonitorFactory.resetInstance();
  },
};
