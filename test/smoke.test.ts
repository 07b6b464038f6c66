import { expect } from 'chai';
import { PerformanceMonitorFactory } from '../src/index.js';

describe('perflog', () => {
  it('exports the factory', () => {
    expect(PerformanceMonitorFactory).to.be.a('function');
  });
});
